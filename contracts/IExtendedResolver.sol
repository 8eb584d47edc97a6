// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IExtendedResolver
 * @notice ENSIP-10 wildcard resolution: one entry point for every record of every subname.
 * @dev Interface id 0x9061b923. See https://docs.ens.domains/ensip/10
 */
interface IExtendedResolver {
    /**
     * @notice Resolves `data` (an ABI-encoded record call such as `text(node,key)`) for the
     * DNS-encoded `name`.
     */
    function resolve(bytes calldata name, bytes calldata data) external view returns (bytes memory);
}
