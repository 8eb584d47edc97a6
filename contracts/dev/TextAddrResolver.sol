// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The registry call this resolver needs: who owns a node.
interface INodeOwners {
    function owner(bytes32 node) external view returns (address);
}

/**
 * @title TextAddrResolver (development only)
 * @notice A minimal on-chain ENS resolver — text records and the ETH address — so that a name can
 * live fully on chain on the local dev chain (a DM3 profile stored in `text(node, "network.dm3.profile")`).
 * Only a node's owner in the ENS registry may change its records.
 * @dev Answers `text(bytes32,string)` and `addr(bytes32)` (ENSIP-5, ENSIP-1); not ENSIP-10 extended,
 * so it must be set on the name itself. Not for production: use ENS's PublicResolver there.
 */
contract TextAddrResolver {
    INodeOwners public immutable registry;

    mapping(bytes32 node => mapping(string key => string value)) private _texts;
    mapping(bytes32 node => address) private _addresses;

    /// @notice The caller does not own `node` in the registry.
    error TextAddrResolverUnauthorized(bytes32 node, address caller);

    event TextChanged(bytes32 indexed node, string indexed indexedKey, string key, string value);
    event AddrChanged(bytes32 indexed node, address a);

    modifier onlyNodeOwner(bytes32 node) {
        if (registry.owner(node) != msg.sender) revert TextAddrResolverUnauthorized(node, msg.sender);
        _;
    }

    /// @param ensRegistry the registry whose owners may set records.
    constructor(INodeOwners ensRegistry) {
        registry = ensRegistry;
    }

    /// @notice Sets text record `key` of `node`.
    function setText(bytes32 node, string calldata key, string calldata value) external onlyNodeOwner(node) {
        _texts[node][key] = value;
        emit TextChanged(node, key, key, value);
    }

    /// @notice Sets the ETH address of `node`.
    function setAddr(bytes32 node, address a) external onlyNodeOwner(node) {
        _addresses[node] = a;
        emit AddrChanged(node, a);
    }

    /// @notice Text record `key` of `node` ("" when unset).
    function text(bytes32 node, string calldata key) external view returns (string memory) {
        return _texts[node][key];
    }

    /// @notice The ETH address of `node` (zero when unset).
    function addr(bytes32 node) external view returns (address payable) {
        return payable(_addresses[node]);
    }

    /// @notice ERC-165: text (0x59d1d43c), addr (0x3b3b57de), ERC-165 itself.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x59d1d43c || interfaceId == 0x3b3b57de || interfaceId == 0x01ffc9a7;
    }
}
