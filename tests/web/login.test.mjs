// Logging in to a server from the connect dialog when it goes wrong: a wrong password says so, and guessing
// is slowed by the server (429 with Retry-After), which the dialog says in words with the wait, never as a
// code. Nothing is connected meanwhile; the right password still works once the wait is over.
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { waitForApp, state, find, click, frames, assert, assertEq, newPage } from "./browser.mjs";
import { spawnServer, typeInto } from "./web_support.mjs";

const ADMIN = { login: "admin", password: "kartoteka" };

async function attempt(page, password) {
  await typeInto(page, "connect:password", password);
  await click(page, { id: "connect:submit" });
  return find(page, { id: "connect:error" }, { timeout: 10000 });
}

export const tests = [
  {
    name: "a wrong password is refused in words; repeated guesses are told how long to wait; nothing connects",
    async fn({ browser, resultsDir }) {
      const dir = await mkdtemp(path.join(tmpdir(), "kt-login-"));
      const server = await spawnServer(["--data-dir", dir, "--admin-login", ADMIN.login, "--admin-password", ADMIN.password]);
      try {
        const { page } = await newPage(browser);
        await page.goto(server.url);
        await waitForApp(page);
        await click(page, { id: "user" });
        await click(page, { id: "menu:connect" });
        await typeInto(page, "connect:login", ADMIN.login);
        let err = await attempt(page, "wrong-password");
        assert(/неверн/i.test(err.name), "a wrong password is said: " + err.name);
        // The server lets a few failures of one login through, then makes the next ones wait.
        for (let i = 0; i < 8 && !/Попробуйте снова через \d+ с/.test(err.name); i++) {
          await frames(page, 2);
          err = await attempt(page, "wrong-password-" + i);
        }
        assert(/Слишком много неверных попыток входа\. Попробуйте снова через \d+ с\./.test(err.name), "the wait is said: " + err.name);
        assert(!/too_many_attempts|429/.test(err.name), "no code shown: " + err.name);
        await page.screenshot({ path: path.join(resultsDir, "login-too-many.png") });
        const s = await state(page);
        assertEq(Boolean(s.sync && s.sync.connected), false, "nothing is connected");
      } finally {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
];
