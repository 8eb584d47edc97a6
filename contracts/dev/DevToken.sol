// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title DevToken (development only)
 * @notice A plain OpenZeppelin ERC-20 whose owner mints: the token DM3's `minTokenBalance` spam rule
 * is tested against on the local chain.
 */
contract DevToken is ERC20, Ownable {
    constructor(address initialOwner) ERC20("DM3 Dev Token", "DM3DEV") Ownable(initialOwner) {}

    /// @notice Mints `amount` to `to` (owner only).
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
