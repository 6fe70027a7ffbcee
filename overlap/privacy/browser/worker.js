// Runs Overlap's encoder in Pyodide, off the page's main thread (so the page keeps
// drawing its progress). Everything it loads comes from the dashboard that served
// the page: Pyodide from vendor/pyodide/, the encoder's Python from vendor/python-*.zip.
// It receives the roster's and the secret's bytes from the page and gives back the
// encoded file and the key file; it sends nothing anywhere.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";

const SITE = "/home/pyodide/overlap-encoder";
let python = null;

const BRIDGE = `
import json
from overlap.privacy import in_browser
from overlap.errors import OverlapError

in_browser.prepare()


def describe(data, name):
    try:
        return json.dumps(in_browser.describe(bytes(data.to_py()), name))
    except OverlapError as exc:
        return json.dumps({"error": str(exc)})


def encode(data, name, secret, share, leave_out_ssn, progress):
    try:
        out = in_browser.encode(bytes(data.to_py()), name, bytes(secret.to_py()),
                                list(share.to_py()), bool(leave_out_ssn), progress)
    except OverlapError as exc:
        return {"error": str(exc)}
    return out
`;

async function start(bundle) {
  postMessage({ kind: "status", text: "Loading Python into this browser…" });
  const pyodide = await loadPyodide({
    indexURL: new URL("./vendor/pyodide/", import.meta.url).href,
    packages: [],
  });
  postMessage({ kind: "status", text: "Loading Overlap's encoder…" });
  const reply = await fetch(new URL(`./vendor/${bundle}`, import.meta.url));
  if (!reply.ok) throw new Error(`the encoder's files are missing (${reply.status})`);
  pyodide.unpackArchive(await reply.arrayBuffer(), "zip", { extractDir: SITE });
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(SITE)})`);
  pyodide.runPython(BRIDGE);
  python = pyodide;
}

function toJs(value) {
  const plain = value.toJs({ dict_converter: Object.fromEntries });
  value.destroy();
  return plain;
}

onmessage = async (event) => {
  const { id, command } = event.data;
  try {
    if (command === "start") {
      await start(event.data.bundle);
      postMessage({ id, result: true });
    } else if (command === "describe") {
      const described = python.globals.get("describe")(new Uint8Array(event.data.data), event.data.name);
      postMessage({ id, result: JSON.parse(described) });
    } else if (command === "encode") {
      const progress = (stage, share) => postMessage({ kind: "progress", stage, share });
      const out = python.globals.get("encode")(
        new Uint8Array(event.data.data), event.data.name, new Uint8Array(event.data.secret),
        event.data.share, !event.data.useSsn, progress,
      );
      const result = toJs(out);
      postMessage({ id, result }, result.clk ? [result.clk.buffer, result.key.buffer] : []);
    }
  } catch (error) {
    postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
};
