#!/usr/bin/node
// Drives one headless Chromium (Debian's, through playwright-core) on behalf of a Python test or
// benchmark: browser_session.py starts this script and talks to it over stdin/stdout, one JSON
// object per line in each direction.
//
//   request:  {"id": 1, "cmd": "goto", "url": "http://127.0.0.1:9464/dashboard/"}
//   reply:    {"id": 1, "ok": true, "result": ...}
//             {"id": 1, "ok": false, "error": "page.goto: net::ERR_CONNECTION_REFUSED ..."}
//
// Commands (every one but "launch" acts on the current page, opened by "newPage"):
//   launch {executablePath, userDataDir}   a persistent context in a fresh user-data-dir
//   newPage {width, height}                closes the current page, opens a new one
//   goto {url}                             navigates; resolves at the "load" event
//   reload {}                              reloads the page (sessionStorage survives)
//   waitFor {expression, timeoutMs}        page.waitForFunction(expression), polled on every
//                                          animation frame; the expression's truthy value
//   evaluate {expression}                  the expression's value (JSON-serialisable)
//   fill {selector, value}, press {selector, key}, click {selector}
//   waitForSelector {selector, timeoutMs}  until an element matching it is visible
//   screenshot {path, fullPage, selector}  a PNG at path: the viewport, the whole page, or the
//                                          first element matching the selector
//   errors {}                              uncaught page exceptions and console errors since the
//                                          last newPage, as strings
//   close {}                               closes the browser; the script exits after replying
//
// Nothing here sleeps: every wait is an event or a waitForFunction with a deadline.

'use strict';

const readline = require('readline');
const { chromium } = require('playwright-core');

// Flags the tests and benchmarks run Chromium with: no sandbox (root in CI), no GPU, and no
// background traffic to anywhere but the page's own server.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

let context = null;
let page = null;
let pageErrors = [];

function requirePage() {
  if (page === null) {
    throw new Error('no page is open: send {"cmd": "newPage"} first');
  }
  return page;
}

function requireString(request, field) {
  const value = request[field];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`command "${request.cmd}" needs a non-empty string field "${field}"`);
  }
  return value;
}

function timeoutOf(request) {
  const ms = request.timeoutMs === undefined ? 15000 : Number(request.timeoutMs);
  if (!(ms > 0)) {
    throw new Error(`timeoutMs=${request.timeoutMs} must be a positive number of milliseconds`);
  }
  return ms;
}

const COMMANDS = {
  async launch(request) {
    if (context !== null) {
      throw new Error('the browser is already launched: send "close" first');
    }
    context = await chromium.launchPersistentContext(requireString(request, 'userDataDir'), {
      executablePath: requireString(request, 'executablePath'),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      deviceScaleFactor: 1,
    });
    // A persistent context opens with one blank page; ours come from newPage.
    for (const blank of context.pages()) {
      await blank.close();
    }
    return { version: context.browser() ? context.browser().version() : null };
  },

  async newPage(request) {
    if (context === null) {
      throw new Error('the browser is not launched: send "launch" first');
    }
    if (page !== null) {
      await page.close();
    }
    page = await context.newPage();
    if (request.width && request.height) {
      await page.setViewportSize({ width: Number(request.width), height: Number(request.height) });
    }
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        pageErrors.push(`console.error: ${message.text()}`);
      }
    });
    return null;
  },

  async goto(request) {
    const response = await requirePage().goto(requireString(request, 'url'),
                                              { waitUntil: 'load', timeout: timeoutOf(request) });
    return response === null ? null : response.status();
  },

  async reload(request) {
    const response = await requirePage().reload({ waitUntil: 'load', timeout: timeoutOf(request) });
    return response === null ? null : response.status();
  },

  async waitFor(request) {
    // As a function, not a string: playwright evaluates a string predicate with eval() inside
    // the page, which the dashboard's Content-Security-Policy (no 'unsafe-eval') forbids; a
    // function's source goes through the DevTools protocol, which the CSP does not govern.
    // eslint-disable-next-line no-new-func
    const predicate = new Function(`return (${requireString(request, 'expression')});`);
    const handle = await requirePage().waitForFunction(
      predicate, undefined, { polling: 'raf', timeout: timeoutOf(request) });
    const value = await handle.jsonValue();
    await handle.dispose();
    return value;
  },

  async evaluate(request) {
    return requirePage().evaluate(requireString(request, 'expression'));
  },

  async fill(request) {
    await requirePage().fill(requireString(request, 'selector'), String(request.value ?? ''),
                             { timeout: timeoutOf(request) });
    return null;
  },

  async press(request) {
    await requirePage().press(requireString(request, 'selector'), requireString(request, 'key'),
                              { timeout: timeoutOf(request) });
    return null;
  },

  async click(request) {
    await requirePage().click(requireString(request, 'selector'), { timeout: timeoutOf(request) });
    return null;
  },

  async waitForSelector(request) {
    await requirePage().waitForSelector(requireString(request, 'selector'),
                                        { state: 'visible', timeout: timeoutOf(request) });
    return null;
  },

  async screenshot(request) {
    const path = requireString(request, 'path');
    if (request.selector) {
      await requirePage().locator(request.selector).first().screenshot({ path, timeout: timeoutOf(request) });
    } else {
      await requirePage().screenshot({ path, fullPage: Boolean(request.fullPage) });
    }
    return path;
  },

  async errors() {
    return pageErrors.slice();
  },

  async close() {
    if (context !== null) {
      await context.close();
      context = null;
      page = null;
    }
    return null;
  },
};

function reply(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    reply({ id: null, ok: false, error: `not a JSON line: ${error.message}` });
    return;
  }
  const command = COMMANDS[request.cmd];
  if (command === undefined) {
    reply({ id: request.id, ok: false,
            error: `unknown command "${request.cmd}"; use one of ${Object.keys(COMMANDS).join(', ')}` });
    return;
  }
  try {
    const result = await command(request);
    reply({ id: request.id, ok: true, result: result === undefined ? null : result });
  } catch (error) {
    reply({ id: request.id, ok: false, error: String(error && error.message ? error.message : error) });
  }
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  // One command at a time, in order: the Python side waits for each reply anyway.
  for await (const line of lines) {
    if (line.trim() === '') {
      continue;
    }
    await handle(line);
  }
  // stdin closed (the Python side exited or closed it): never leave Chromium behind.
  await COMMANDS.close();
}

main().catch((error) => {
  process.stderr.write(`browser_driver: ${error.stack || error}\n`);
  process.exit(1);
});
