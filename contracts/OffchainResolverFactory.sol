// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {OffchainResolver} from "./OffchainResolver.sol";

/**
 * @title OffchainResolverFactory
 * @notice Gives every service its own {OffchainResolver} for a fraction of a full deployment: an
 * EIP-1167 minimal clone of one implementation, owned and configured by the service, created and
 * initialized in one transaction (so no one can initialize it first).
 * @dev Clone addresses are deterministic per caller and salt ({predictResolver}); the caller is
 * part of the salt, so no one can take an address another caller is about to use.
 */
contract OffchainResolverFactory {
    /// @notice The resolver every clone delegates to (initialized at deployment: unusable on its own).
    address public immutable implementation;

    /// @notice `resolver` was created for `owner` by `creator`.
    event ResolverCreated(address indexed resolver, address indexed owner, address indexed creator);

    /// @param implementation_ an {OffchainResolver} deployed with its constructor.
    constructor(address implementation_) {
        implementation = implementation_;
    }

    /**
     * @notice Creates and initializes a resolver clone. Emits {ResolverCreated}.
     * @param owner account that manages the clone's URLs and signers.
     * @param urls gateway URL templates, tried in order.
     * @param signers addresses whose signatures the clone accepts.
     * @param multicallFeature whether the clone advertises ENSIP-22 RESOLVE_MULTICALL.
     * @param salt any value; with the caller it determines the clone's address.
     * @return resolver the new clone.
     */
    function createResolver(
        address owner,
        string[] calldata urls,
        address[] calldata signers,
        bool multicallFeature,
        bytes32 salt
    ) external returns (address resolver) {
        resolver = Clones.cloneDeterministic(implementation, _saltOf(msg.sender, salt));
        OffchainResolver(resolver).initialize(owner, urls, signers, multicallFeature);
        emit ResolverCreated(resolver, owner, msg.sender);
    }

    /// @notice The address {createResolver} gives `creator` for `salt`.
    function predictResolver(address creator, bytes32 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(implementation, _saltOf(creator, salt));
    }

    function _saltOf(address creator, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, salt));
    }
}
