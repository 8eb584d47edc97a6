// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The registry call this stand-in needs: a node's resolver.
interface INodeResolvers {
    function resolver(bytes32 node) external view returns (address);
}

/**
 * @title UniversalResolverStandIn (development only)
 * @notice ENS's UniversalResolver `findResolver(bytes)` for the local dev chain: the ENSIP-10 walk
 * over the registry, from the DNS-encoded name up to the nearest name with a resolver. The owner may
 * override the answer for a node, so a test can stand for a chain where ENSv2 (which the Universal
 * Resolver follows) disagrees with the legacy registry — e.g. a migrated name whose resolver was cleared.
 * @dev Not ENS's contract: only `findResolver`'s signature and meaning. Never deploy it to a real network.
 */
contract UniversalResolverStandIn {
    INodeResolvers public immutable registry;
    address public immutable owner;

    mapping(bytes32 node => address resolver) private _overrides;
    mapping(bytes32 node => bool overridden) private _overridden;

    /// @notice Only the deployer may override answers.
    error NotOwner();
    /// @notice The name is not DNS-encoded (a label runs past its end).
    error MalformedName();

    /// @notice `findResolver` answers `resolver` for `node` from now on (the zero address: none).
    event ResolverOverridden(bytes32 indexed node, address resolver);

    constructor(INodeResolvers registry_) {
        registry = registry_;
        owner = msg.sender;
    }

    /// @notice Makes `findResolver` answer `resolver` when its walk reaches `node`.
    function setOverride(bytes32 node, address resolver) external {
        if (msg.sender != owner) revert NotOwner();
        _overrides[node] = resolver;
        _overridden[node] = true;
        emit ResolverOverridden(node, resolver);
    }

    /**
     * @notice The resolver a client uses for `name` (DNS-encoded): the nearest name, from `name` up,
     * with a resolver; its node and the offset of that name within `name`.
     */
    function findResolver(bytes calldata name) external view returns (address resolver, bytes32 node, uint256 offset) {
        while (offset < name.length) {
            node = _namehash(name, offset);
            if (_overridden[node]) return (_overrides[node], node, offset);
            resolver = registry.resolver(node);
            if (resolver != address(0)) return (resolver, node, offset);
            uint256 length = uint8(name[offset]);
            if (length == 0) break;
            offset += length + 1;
        }
        return (address(0), bytes32(0), offset);
    }

    function _namehash(bytes calldata name, uint256 offset) private pure returns (bytes32) {
        if (offset >= name.length) revert MalformedName();
        uint256 length = uint8(name[offset]);
        if (length == 0) return bytes32(0);
        if (offset + 1 + length > name.length) revert MalformedName();
        bytes32 label = keccak256(name[offset + 1:offset + 1 + length]);
        return keccak256(abi.encodePacked(_namehash(name, offset + 1 + length), label));
    }
}
