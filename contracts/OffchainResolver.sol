// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IExtendedResolver} from "./IExtendedResolver.sol";
import {IERC7996} from "./IERC7996.sol";

/**
 * @title OffchainResolver
 * @notice ENSIP-10 resolver for a parent name whose subnames live off chain. Every lookup reverts
 * with an EIP-3668 `OffchainLookup` that sends the client to one of the gateway URLs; the client
 * then calls {resolveWithProof} with the gateway's signed answer, which is only accepted when a
 * current signer signed it for this resolver and it has not expired.
 *
 * The signed digest is byte-for-byte the one of ENS's reference OffchainResolver
 * (`SignatureVerifier.makeSignatureHash`), so one gateway serves both contracts.
 *
 * Deploy it standalone (constructor), or as an EIP-1167 minimal clone of one implementation through
 * {OffchainResolverFactory}, which calls {initialize} in the same transaction.
 *
 * IMPORTANT: the digest carries no chain id. Use a distinct signer key per chain.
 */
contract OffchainResolver is IExtendedResolver, IERC7996, ERC165, Ownable2Step {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @dev EIP-191 version 0x00 ("data with intended validator") prefix of the signed digest.
    bytes2 private constant _SIGNATURE_HASH_PREFIX = 0x1900;

    /// @dev Separates the gateway URLs in storage.
    bytes1 private constant _URL_SEPARATOR = 0x0a;

    /// @notice ENSIP-22 feature: `resolve(name, multicall([...]))` is answered in one lookup.
    bytes4 public constant RESOLVE_MULTICALL = bytes4(keccak256("eth.ens.resolver.extended.multicall"));

    /// @dev The gateway URLs joined by "\n" (which no URL holds): one string costs fewer storage slots than a string[].
    bytes private _urlList;
    EnumerableSet.AddressSet private _signers;
    /// @dev Inverted so that a clone created with the feature on writes nothing for it (a storage slot is ~22k gas).
    bool private _multicallOff;

    /// @notice EIP-3668: the client must fetch `urls` and call `callbackFunction(response, extraData)` on `sender`.
    error OffchainLookup(address sender, string[] urls, bytes callData, bytes4 callbackFunction, bytes extraData);

    /// @notice The answer was signed by `recovered`, which is not a current signer.
    error OffchainResolverInvalidSigner(address recovered);

    /// @notice The answer's signature is malformed (not a 65-byte secp256k1 signature).
    error OffchainResolverInvalidSignature();

    /// @notice The answer expired at `expires` (unix seconds).
    error OffchainResolverExpiredResponse(uint64 expires);

    /// @notice `extraData` names `resolver`, not this contract.
    error OffchainResolverWrongResolver(address resolver);

    /// @notice The gateway URL list may not be empty.
    error OffchainResolverNoUrls();

    /// @notice `signer` is the zero address, already a signer (add) or not a signer (remove).
    error OffchainResolverSignerUnchanged(address signer);

    /// @notice The gateway URL list was replaced.
    event UrlsChanged(string[] urls);

    /// @notice `signer` may now sign gateway answers.
    event SignerAdded(address indexed signer);

    /// @notice `signer` may no longer sign gateway answers.
    event SignerRemoved(address indexed signer);

    /// @notice The RESOLVE_MULTICALL feature is now advertised (`supported`) or not.
    event MulticallFeatureSet(bool supported);

    /**
     * @param initialOwner account that manages URLs and signers (two-step transfer).
     * @param urls_ gateway URL templates (EIP-3668 `{sender}`/`{data}`), tried in order.
     * @param signers_ addresses whose signatures are accepted.
     */
    /// @notice A URL holds the "\n" that separates URLs in storage (no valid URL does).
    error OffchainResolverInvalidUrl(string url);

    /// @notice {initialize} on a resolver that is already set up (it has an owner).
    error OffchainResolverAlreadyInitialized();

    /// @notice A resolver always keeps an owner (who alone can rotate a leaked signer key).
    error OffchainResolverOwnerRequired();

    constructor(address initialOwner, string[] memory urls_, address[] memory signers_) Ownable(initialOwner) {
        _configure(urls_, signers_);
        _multicallOff = true;
    }

    /**
     * @notice Sets up a clone (see {OffchainResolverFactory}); callable once, and never on a
     * contract deployed with the constructor.
     * @dev Having an owner is what "set up" means (ownership cannot be renounced): no separate
     * initialized flag, which would cost a clone another storage slot.
     * @param initialOwner account that manages URLs and signers (two-step transfer).
     * @param urls_ gateway URL templates, tried in order.
     * @param signers_ addresses whose signatures are accepted.
     * @param multicallFeature whether to advertise ENSIP-22 RESOLVE_MULTICALL from the start.
     */
    function initialize(
        address initialOwner,
        string[] calldata urls_,
        address[] calldata signers_,
        bool multicallFeature
    ) external {
        if (owner() != address(0)) revert OffchainResolverAlreadyInitialized();
        if (initialOwner == address(0)) revert OwnableInvalidOwner(address(0));
        _transferOwnership(initialOwner);
        _configure(urls_, signers_);
        if (multicallFeature) emit MulticallFeatureSet(true);
        else _multicallOff = true;
    }

    /**
     * @notice ENSIP-10 entry point. Always reverts with `OffchainLookup`; see {resolveWithProof}.
     * @param name DNS-encoded name.
     * @param data ABI-encoded record call (`addr`, `text`, `contenthash`, …).
     */
    function resolve(bytes calldata name, bytes calldata data) external view override returns (bytes memory) {
        bytes memory callData = abi.encodeCall(IExtendedResolver.resolve, (name, data));
        revert OffchainLookup(
            address(this),
            _splitUrls(),
            callData,
            this.resolveWithProof.selector,
            abi.encode(callData, address(this))
        );
    }

    /**
     * @notice EIP-3668 callback: verifies the gateway's signed answer and returns the record.
     * @param response `abi.encode(bytes result, uint64 expires, bytes signature)` from the gateway.
     * @param extraData `abi.encode(bytes callData, address resolver)` from the `OffchainLookup`.
     * @return result the ABI-encoded return value of the record call.
     */
    function resolveWithProof(bytes calldata response, bytes calldata extraData) external view returns (bytes memory) {
        (bytes memory callData, address resolver) = abi.decode(extraData, (bytes, address));
        if (resolver != address(this)) revert OffchainResolverWrongResolver(resolver);

        (bytes memory result, uint64 expires, bytes memory signature) = abi.decode(response, (bytes, uint64, bytes));
        bytes32 digest = makeSignatureHash(resolver, expires, callData, result);
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecover(digest, signature);
        if (error != ECDSA.RecoverError.NoError) revert OffchainResolverInvalidSignature();
        if (!_signers.contains(recovered)) revert OffchainResolverInvalidSigner(recovered);
        if (expires < block.timestamp) revert OffchainResolverExpiredResponse(expires);
        return result;
    }

    /**
     * @notice The digest a gateway signs: `keccak256(0x1900 ‖ target ‖ expires ‖ keccak256(request) ‖ keccak256(result))`.
     * @dev Same layout as ENS's reference `SignatureVerifier.makeSignatureHash`; the worker's
     * `ccip/signatureHash.ts` writes it once more and a test checks the two agree.
     */
    function makeSignatureHash(
        address target,
        uint64 expires,
        bytes memory request,
        bytes memory result
    ) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(_SIGNATURE_HASH_PREFIX, target, expires, keccak256(request), keccak256(result)));
    }

    /// @notice Gateway URL templates, in the order clients try them.
    function urls() external view returns (string[] memory) {
        return _splitUrls();
    }

    /// @notice Whether `account` may sign gateway answers.
    function isSigner(address account) external view returns (bool) {
        return _signers.contains(account);
    }

    /// @notice Every current signer.
    function signers() external view returns (address[] memory) {
        return _signers.values();
    }

    /**
     * @notice Replaces the gateway URL list. Owner only. Emits {UrlsChanged}.
     * @dev Several URLs give failover: clients try the next one when a gateway answers 5xx.
     */
    function setUrls(string[] calldata newUrls) external onlyOwner {
        _setUrls(newUrls);
    }

    /**
     * @notice Accepts signatures by `signer`. Owner only. Emits {SignerAdded}.
     * @dev Rotate keys with overlap: add the new signer, switch the gateway, then {removeSigner} the old one.
     */
    function addSigner(address signer) external onlyOwner {
        _addSigner(signer);
    }

    /**
     * @notice Advertises (or stops advertising) the ENSIP-22 RESOLVE_MULTICALL feature. Owner only.
     * Emits {MulticallFeatureSet}.
     * @dev Turn it on only when every gateway URL answers `multicall(bytes[])`; clients such as ENS's
     * UniversalResolver then send several records in one lookup.
     */
    function setMulticallFeature(bool supported) external onlyOwner {
        _multicallOff = !supported;
        emit MulticallFeatureSet(supported);
    }

    /// @inheritdoc IERC7996
    function supportsFeature(bytes4 featureId) external view returns (bool) {
        return featureId == RESOLVE_MULTICALL && !_multicallOff;
    }

    /// @notice Stops accepting signatures by `signer`. Owner only. Emits {SignerRemoved}.
    function removeSigner(address signer) external onlyOwner {
        if (!_signers.remove(signer)) revert OffchainResolverSignerUnchanged(signer);
        emit SignerRemoved(signer);
    }

    /// @notice Refused: see {OffchainResolverOwnerRequired}.
    function renounceOwnership() public view override onlyOwner {
        revert OffchainResolverOwnerRequired();
    }

    /// @inheritdoc ERC165
    function supportsInterface(bytes4 interfaceId) public view virtual override returns (bool) {
        return
            interfaceId == type(IExtendedResolver).interfaceId ||
            interfaceId == type(IERC7996).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    function _splitUrls() private view returns (string[] memory list) {
        bytes memory joined = _urlList;
        uint256 count = 1;
        for (uint256 i = 0; i < joined.length; ++i) {
            if (joined[i] == _URL_SEPARATOR) ++count;
        }
        list = new string[](count);
        uint256 start = 0;
        uint256 index = 0;
        for (uint256 i = 0; i <= joined.length; ++i) {
            if (i == joined.length || joined[i] == _URL_SEPARATOR) {
                bytes memory url = new bytes(i - start);
                for (uint256 j = 0; j < url.length; ++j) {
                    url[j] = joined[start + j];
                }
                list[index++] = string(url);
                start = i + 1;
            }
        }
    }

    function _configure(string[] memory urls_, address[] memory signers_) private {
        _setUrls(urls_);
        for (uint256 i = 0; i < signers_.length; ++i) {
            _addSigner(signers_[i]);
        }
    }

    function _setUrls(string[] memory newUrls) private {
        if (newUrls.length == 0) revert OffchainResolverNoUrls();
        bytes memory joined;
        for (uint256 i = 0; i < newUrls.length; ++i) {
            bytes memory url = bytes(newUrls[i]);
            for (uint256 j = 0; j < url.length; ++j) {
                if (url[j] == _URL_SEPARATOR) revert OffchainResolverInvalidUrl(newUrls[i]);
            }
            joined = i == 0 ? url : bytes.concat(joined, _URL_SEPARATOR, url);
        }
        _urlList = joined;
        emit UrlsChanged(newUrls);
    }

    function _addSigner(address signer) private {
        if (signer == address(0) || !_signers.add(signer)) revert OffchainResolverSignerUnchanged(signer);
        emit SignerAdded(signer);
    }
}
