// Runs before `npm start` and `npm test` (plain CommonJS, so it runs on any Node): on a Node older
// than the project needs it stops at once with one line that says how to get Node 22, instead of
// Hardhat's or wrangler's own errors. (`npm install` is stopped by engine-strict in .npmrc.)
// (A version given as the first argument is checked instead of this Node's: the test uses it.)
const version = process.argv[2] ?? process.version;
const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(
    `dm3-registry needs Node.js >= 22.13, this is ${version}: \`nvm install\` (reads .nvmrc), or without nvm: ` +
      'npm i --prefix ~/.cache/node22 node@22 && export PATH="$HOME/.cache/node22/node_modules/.bin:$PATH"',
  );
  process.exit(1);
}
