// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IERC7996
 * @notice Contract features that ERC-165 cannot express (ENSIP-22). Interface id 0x582de3e7.
 * @dev See https://docs.ens.domains/ensip/22
 */
interface IERC7996 {
    /// @notice Whether the contract supports the feature `featureId` (first 4 bytes of keccak256 of its name).
    function supportsFeature(bytes4 featureId) external view returns (bool);
}
