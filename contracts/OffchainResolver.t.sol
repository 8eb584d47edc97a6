// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffchainResolver} from "./OffchainResolver.sol";

/// @dev The cheatcodes these tests use (forge-std is not installable here; EDR implements them).
interface Cheats {
    function sign(uint256 privateKey, bytes32 digest) external returns (uint8 v, bytes32 r, bytes32 s);
    function addr(uint256 privateKey) external returns (address);
    function warp(uint256 timestamp) external;
    function expectRevert(bytes calldata revertData) external;
}

/// @notice Unit and fuzz tests of {OffchainResolver.resolveWithProof} (run by `hardhat test solidity`).
contract OffchainResolverTest {
    Cheats private constant VM = Cheats(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 private constant SIGNER_KEY = 0xA11CE;
    uint256 private constant SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 private constant NOW = 1_700_000_000;

    OffchainResolver private _resolver;
    address private _signer;

    function setUp() public {
        _signer = VM.addr(SIGNER_KEY);
        string[] memory urls = new string[](1);
        urls[0] = "http://127.0.0.1:9/{sender}/{data}.json";
        address[] memory signers = new address[](1);
        signers[0] = _signer;
        _resolver = new OffchainResolver(address(this), urls, signers);
        VM.warp(NOW);
    }

    function testFuzz_acceptsAnswersSignedBySigner(bytes calldata request, bytes calldata result, uint32 ttl) public {
        uint64 expires = uint64(NOW) + ttl;
        bytes memory response = _answer(SIGNER_KEY, address(_resolver), expires, request, result);
        bytes memory returned = _resolver.resolveWithProof(response, abi.encode(request, address(_resolver)));
        require(keccak256(returned) == keccak256(result), "returned result differs");
    }

    function testFuzz_rejectsExpiredAnswers(uint32 age) public {
        uint64 expires = uint64(NOW) - 1 - (age % uint64(NOW - 1));
        bytes memory response = _answer(SIGNER_KEY, address(_resolver), expires, hex"01", hex"02");
        VM.expectRevert(abi.encodeWithSelector(OffchainResolver.OffchainResolverExpiredResponse.selector, expires));
        _resolver.resolveWithProof(response, abi.encode(hex"01", address(_resolver)));
    }

    function testFuzz_rejectsAnswersByNonSigners(uint256 key) public {
        key = 1 + (key % (SECP256K1_ORDER - 1));
        if (key == SIGNER_KEY) key = SIGNER_KEY + 1;
        bytes memory response = _answer(key, address(_resolver), uint64(NOW + 60), hex"01", hex"02");
        VM.expectRevert(abi.encodeWithSelector(OffchainResolver.OffchainResolverInvalidSigner.selector, VM.addr(key)));
        _resolver.resolveWithProof(response, abi.encode(hex"01", address(_resolver)));
    }

    function testFuzz_rejectsAnswersForOtherRequests(bytes calldata signed, bytes calldata asked) public {
        if (keccak256(signed) == keccak256(asked)) return;
        bytes memory response = _answer(SIGNER_KEY, address(_resolver), uint64(NOW + 60), signed, hex"02");
        bytes memory extraData = abi.encode(asked, address(_resolver));
        (bool ok, ) = address(_resolver).staticcall(abi.encodeCall(OffchainResolver.resolveWithProof, (response, extraData)));
        require(!ok, "answer to another request was accepted");
    }

    function testFuzz_rejectsOtherResolversInExtraData(address other) public {
        if (other == address(_resolver)) return;
        bytes memory response = _answer(SIGNER_KEY, other, uint64(NOW + 60), hex"01", hex"02");
        VM.expectRevert(abi.encodeWithSelector(OffchainResolver.OffchainResolverWrongResolver.selector, other));
        _resolver.resolveWithProof(response, abi.encode(hex"01", other));
    }

    /// Pins the digest to the layout of ENS's reference `SignatureVerifier.makeSignatureHash`.
    function testFuzz_digestLayout(address target, uint64 expires, bytes calldata request, bytes calldata result) public view {
        bytes32 expected = keccak256(abi.encodePacked(hex"1900", target, expires, keccak256(request), keccak256(result)));
        require(_resolver.makeSignatureHash(target, expires, request, result) == expected, "digest layout changed");
    }

    function _answer(uint256 key, address target, uint64 expires, bytes memory request, bytes memory result)
        private
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, _resolver.makeSignatureHash(target, expires, request, result));
        return abi.encode(result, expires, abi.encodePacked(r, s, v));
    }
}
