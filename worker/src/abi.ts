import { parseAbi } from "viem";

/**
 * Every ABI fragment the worker, the CLI and the tests use, in one place (human-readable, typed
 * by viem's `parseAbi`). `contracts/test/abi.test.ts` checks them against the Hardhat artifacts.
 */

/** ENSIP-10 `IExtendedResolver` plus the EIP-3668 parts of our `OffchainResolver`. */
export const offchainResolverAbi = parseAbi([
  "function resolve(bytes name, bytes data) view returns (bytes)",
  "function resolveWithProof(bytes response, bytes extraData) view returns (bytes)",
  "function makeSignatureHash(address target, uint64 expires, bytes request, bytes result) pure returns (bytes32)",
  "function supportsInterface(bytes4 interfaceId) view returns (bool)",
  "function supportsFeature(bytes4 featureId) view returns (bool)",
  "error OffchainLookup(address sender, string[] urls, bytes callData, bytes4 callbackFunction, bytes extraData)",
]);

/** The record profiles the gateway answers (ENS public resolver interfaces), plus `multicall`. */
export const recordResolverAbi = parseAbi([
  "function addr(bytes32 node) view returns (address)",
  "function addr(bytes32 node, uint256 coinType) view returns (bytes)",
  "function text(bytes32 node, string key) view returns (string)",
  "function contenthash(bytes32 node) view returns (bytes)",
  "function multicall(bytes[] data) returns (bytes[] results)",
]);

/** Error data of a multicall item the gateway does not answer (as ENS's resolvers and UniversalResolver use it). */
export const resolverErrorsAbi = parseAbi(["error UnsupportedResolverProfile(bytes4 selector)"]);

/** ENSIP-22 (ERC-7996) feature id: `resolve(name, multicall([...]))` is answered in one lookup. */
export const RESOLVE_MULTICALL_FEATURE = "0x96b62db8";

/** ERC-165 interface id of ERC-7996 `supportsFeature(bytes4)`. */
export const FEATURES_INTERFACE_ID = "0x582de3e7";

/** The part of ENS's registry used for the ENSIP-10 resolver walk and the local stack. */
export const ensRegistryAbi = parseAbi([
  "function resolver(bytes32 node) view returns (address)",
  "function owner(bytes32 node) view returns (address)",
  "function setSubnodeOwner(bytes32 node, bytes32 label, address newOwner) returns (bytes32)",
  "function setResolver(bytes32 node, address newResolver)",
]);

/** ERC-165 interface id of ENSIP-10 `IExtendedResolver` (`resolve(bytes,bytes)`). */
export const EXTENDED_RESOLVER_INTERFACE_ID = "0x9061b923";

/** The owner's side of our `OffchainResolver` (deployment and key rotation scripts). */
export const resolverAdminAbi = parseAbi([
  "function owner() view returns (address)",
  "function pendingOwner() view returns (address)",
  "function transferOwnership(address newOwner)",
  "function urls() view returns (string[])",
  "function setUrls(string[] newUrls)",
  "function signers() view returns (address[])",
  "function isSigner(address account) view returns (bool)",
  "function addSigner(address signer)",
  "function removeSigner(address signer)",
  "function setMulticallFeature(bool supported)",
]);

/** ENS's NameWrapper, which owns wrapped names in the registry (ERC-1155 id = uint256(node)). */
export const nameWrapperAbi = parseAbi(["function ownerOf(uint256 id) view returns (address)", "function setResolver(bytes32 node, address resolver)"]);
