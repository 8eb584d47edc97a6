/** `npm run build:web`: the pages' browser assets into `public/` (see scripts/lib/buildWeb.ts). */
import { buildWebAssets, PUBLIC_DIR } from "./lib/buildWeb";

await buildWebAssets();
console.log(`built ${PUBLIC_DIR}`);
