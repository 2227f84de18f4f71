// Logging in to a server from the connect dialog when it goes wrong: a wrong password says so, and guessing
// is slowed by the server (429 with Retry-After), which the dialog says in words with the wait, never as a
// code. Nothing is connected meanwhile; the right password still works once the wait is over.
import path from "node:path";
import { state, find, click, frames, assert, assertEq, newPage } from "./browser.mjs";
import { ADMIN, open, startDataServer, typeInto } from "./web_support.mjs";

async function attempt(page, password) {
  await typeInto(page, "connect:password", password);
  await click(page, { id: "connect:submit" });
  return find(page, { id: "connect:error" }, { timeout: 10000 });
}

export const tests = [
  {
    name: "a wrong password is refused in words; repeated guesses are told how long to wait; nothing connects",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("login");
      try {
        const { page } = await newPage(browser);
        await open(page, server.url);
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
      }
    },
  },
];
