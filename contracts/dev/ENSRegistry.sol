// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ENSRegistry (development only)
 * @notice The part of ENS's registry (https://docs.ens.domains/registry/ens) that resolution and
 * our local stack use: owners, resolvers and TTLs per node, with ENS's events and semantics.
 * @dev `@ensdomains/ens-contracts` cannot be installed here; this is not for production.
 */
contract ENSRegistry {
    struct Record {
        address owner;
        address resolver;
        uint64 ttl;
    }

    mapping(bytes32 node => Record) private _records;
    mapping(address owner => mapping(address operator => bool)) private _operators;

    /// @notice The caller may not change `node`.
    error ENSRegistryUnauthorized(bytes32 node, address caller);

    event NewOwner(bytes32 indexed node, bytes32 indexed label, address owner);
    event Transfer(bytes32 indexed node, address owner);
    event NewResolver(bytes32 indexed node, address resolver);
    event NewTTL(bytes32 indexed node, uint64 ttl);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    modifier authorised(bytes32 node) {
        address nodeOwner = _records[node].owner;
        if (nodeOwner != msg.sender && !_operators[nodeOwner][msg.sender]) {
            revert ENSRegistryUnauthorized(node, msg.sender);
        }
        _;
    }

    /// @param rootOwner owner of the root node (`bytes32(0)`).
    constructor(address rootOwner) {
        _records[bytes32(0)].owner = rootOwner;
    }

    /// @notice Transfers `node` to `newOwner`.
    function setOwner(bytes32 node, address newOwner) external authorised(node) {
        _records[node].owner = newOwner;
        emit Transfer(node, newOwner);
    }

    /// @notice Gives `keccak256(node, label)` to `newOwner`; returns that subnode.
    function setSubnodeOwner(bytes32 node, bytes32 label, address newOwner) public authorised(node) returns (bytes32) {
        bytes32 subnode = keccak256(abi.encodePacked(node, label));
        _records[subnode].owner = newOwner;
        emit NewOwner(node, label, newOwner);
        return subnode;
    }

    /// @notice Sets the resolver of `node`.
    function setResolver(bytes32 node, address newResolver) public authorised(node) {
        _records[node].resolver = newResolver;
        emit NewResolver(node, newResolver);
    }

    /// @notice Sets the caching TTL of `node`.
    function setTTL(bytes32 node, uint64 newTtl) public authorised(node) {
        _records[node].ttl = newTtl;
        emit NewTTL(node, newTtl);
    }

    /// @notice Lets `operator` manage every node of the caller.
    function setApprovalForAll(address operator, bool approved) external {
        _operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function owner(bytes32 node) external view returns (address) {
        return _records[node].owner;
    }

    function resolver(bytes32 node) external view returns (address) {
        return _records[node].resolver;
    }

    function ttl(bytes32 node) external view returns (uint64) {
        return _records[node].ttl;
    }

    function recordExists(bytes32 node) external view returns (bool) {
        return _records[node].owner != address(0);
    }

    function isApprovedForAll(address nodeOwner, address operator) external view returns (bool) {
        return _operators[nodeOwner][operator];
    }
}
