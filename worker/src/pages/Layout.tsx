import type { Child } from "hono/jsx";

/** Plain, readable, high-contrast styles; no web fonts, no third-party requests, no tracking. */
const STYLE = `
:root { color-scheme: light dark; --fg: #111; --bg: #fff; --muted: #555; --line: #ccc; --accent: #0b57d0; --ok: #146c2e; --bad: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; --bg: #121212; --muted: #bbb; --line: #444; --accent: #8ab4f8; --ok: #81c995; --bad: #f2b8b5; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
main, header, footer { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
header { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; border-bottom: 1px solid var(--line); padding-block: .75rem; }
header a.home { font-weight: 700; font-size: 1.1rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: .35rem .5rem .35rem 0; vertical-align: top; overflow-wrap: anywhere; }
th { width: 30%; color: var(--muted); font-weight: 600; }
h1.name { overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
label { display: block; font-weight: 600; margin-top: .75rem; }
input, textarea { width: 100%; font: inherit; padding: .4rem; color: var(--fg); background: var(--bg); border: 1px solid var(--muted); border-radius: 4px; }
button { font: inherit; padding: .45rem .9rem; margin: .75rem .5rem 0 0; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: var(--bg); cursor: pointer; }
button:disabled { opacity: .55; cursor: not-allowed; }
.ok { color: var(--ok); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.muted { color: var(--muted); }
[role="status"], [role="alert"] { margin-top: .75rem; min-height: 1.5rem; }
footer { border-top: 1px solid var(--line); margin-top: 2rem; padding-block: 1rem; color: var(--muted); }
`;

/** The page frame every page shares. */
export function Layout(props: { title: string; sourceUrl: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <header>
          <a class="home" href="/">
            dm3 registry
          </a>
          <nav aria-label="Site">
            <a href="/docs">API reference</a> · <a href="/health">health</a>
            {props.sourceUrl ? (
              <>
                {" "}
                · <a href={props.sourceUrl}>source</a>
              </>
            ) : null}
          </nav>
        </header>
        <main>{props.children}</main>
        <footer>No cookies, no tracking, no third-party requests.</footer>
      </body>
    </html>
  );
}
