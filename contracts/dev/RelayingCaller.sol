// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IExtendedResolver} from "../IExtendedResolver.sol";

/**
 * @title RelayingCaller (development only)
 * @notice Resolves through another contract the way ENS's UniversalResolver does on its direct
 * path: it calls the resolver, catches its `OffchainLookup`, re-raises it with itself as `sender`
 * (so the gateway sees a sender that is not the resolver), and in its callback hands the gateway's
 * answer to the resolver's own callback. Used by the end-to-end tests.
 */
contract RelayingCaller {
    error OffchainLookup(address sender, string[] urls, bytes callData, bytes4 callbackFunction, bytes extraData);

    /// @notice The resolver did not ask for an offchain lookup the way EIP-3668 describes.
    error RelayingCallerUnexpectedRevert(bytes revertData);

    /// @notice `resolver.resolve(name, data)`, relayed.
    function resolve(address resolver, bytes calldata name, bytes calldata data) external view returns (bytes memory) {
        try IExtendedResolver(resolver).resolve(name, data) returns (bytes memory result) {
            return result;
        } catch (bytes memory revertData) {
            if (bytes4(revertData) != OffchainLookup.selector) revert RelayingCallerUnexpectedRevert(revertData);
            (address sender, string[] memory urls, bytes memory callData, bytes4 callback, bytes memory extraData) = abi.decode(
                _stripSelector(revertData),
                (address, string[], bytes, bytes4, bytes)
            );
            if (sender != resolver) revert RelayingCallerUnexpectedRevert(revertData);
            revert OffchainLookup(address(this), urls, callData, this.relayCallback.selector, abi.encode(resolver, callback, extraData));
        }
    }

    /// @notice EIP-3668 callback: forwards the gateway's answer to the resolver's callback.
    function relayCallback(bytes calldata response, bytes calldata extraData) external view returns (bytes memory) {
        (address resolver, bytes4 callback, bytes memory innerExtraData) = abi.decode(extraData, (address, bytes4, bytes));
        (bool ok, bytes memory returned) = resolver.staticcall(abi.encodeWithSelector(callback, response, innerExtraData));
        if (!ok) {
            assembly {
                revert(add(returned, 32), mload(returned))
            }
        }
        return abi.decode(returned, (bytes));
    }

    function _stripSelector(bytes memory data) private pure returns (bytes memory rest) {
        rest = new bytes(data.length - 4);
        for (uint256 i = 0; i < rest.length; ++i) {
            rest[i] = data[i + 4];
        }
    }
}
