/**
 * `npm run bench [-- gateway|bundle|registry|feed|relay|mixed|bridge]`: prints the benchmark figures (see README "Benchmarks").
 * Gas has its own script (`npm run bench:gas`) because it runs inside Hardhat.
 */
import { benchBridge } from "./bridge";
import { benchBundle } from "./bundle";
import { benchFeed } from "./feed";
import { benchGateway } from "./gateway";
import { benchMixed } from "./mixed";
import { benchRegistry } from "./registry";
import { benchRelay } from "./relay";

const selected = new Set(process.argv.slice(2));
const all = selected.size === 0;
if (all || selected.has("bundle")) await benchBundle();
if (all || selected.has("gateway")) await benchGateway();
if (all || selected.has("registry")) await benchRegistry();
if (all || selected.has("feed")) await benchFeed();
if (all || selected.has("relay")) await benchRelay();
if (all || selected.has("mixed")) await benchMixed();
if (all || selected.has("bridge")) await benchBridge();
