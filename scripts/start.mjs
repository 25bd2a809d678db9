// `npm start`: install if needed, build the web UI if needed, then run the
// appliance with its embedded defaults. Extra arguments go to `serve`.
import { spawn } from 'node:child_process';
import { checkNode, ensureDependencies, ensureWebBuild, root } from './prepare.mjs';

checkNode();
ensureDependencies();
ensureWebBuild();

const child = spawn(
  process.execPath,
  ['apps/server/bin/flowgento.mjs', 'serve', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
// One stop request is enough: the appliance ignores later ones, and Ctrl-C
// already reaches it straight from the terminal.
let stopSent = false;
const stopChild = () => {
  if (stopSent) return;
  stopSent = true;
  child.kill('SIGTERM');
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, stopChild);
}
// npm does not pass SIGTERM on to its script: when npm is gone, stop the
// appliance cleanly rather than leave it running unowned.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stopChild();
}, 1000).unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
