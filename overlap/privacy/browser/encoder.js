// The page of the in-browser encoder (a Streamlit component without a build step).
// It talks to Streamlit only to say it is ready and how tall it is: no value of the
// roster, nor the secret, is ever given to Streamlit, so none reaches the server.
// Files are read with the File API and handed to worker.js; the results are
// offered as downloads made in this page (blob: links).

const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const pending = new Map();
let nextId = 1;
let roster = null; // { name, data: ArrayBuffer, described }
let secret = null; // ArrayBuffer
let links = [];

function tell(type, extra = {}) {
  window.parent.postMessage({ isStreamlitMessage: true, type, ...extra }, "*");
}

function resize() {
  tell("streamlit:setFrameHeight", { height: document.documentElement.scrollHeight + 4 });
}

function call(command, payload = {}, transfer = []) {
  const id = nextId++;
  worker.postMessage({ id, command, ...payload }, transfer);
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

worker.onmessage = (event) => {
  const message = event.data;
  if (message.kind === "status") return status(message.text);
  if (message.kind === "progress") return progress(message.share, message.stage);
  const waiting = pending.get(message.id);
  pending.delete(message.id);
  if (message.error) waiting.reject(new Error(message.error));
  else waiting.resolve(message.result);
};

function status(text) {
  $("status").textContent = text;
  resize();
}

function progress(share, label) {
  $("progress").hidden = share === null;
  $("progress-bar").style.width = `${Math.round((share || 0) * 100)}%`;
  if (label) status(`${label}… ${Math.round((share || 0) * 100)}%`);
}

function showError(text) {
  $("error").hidden = !text;
  $("error").textContent = text || "";
  resize();
}

function ready() {
  $("encode").disabled = !(roster && roster.described && secret);
}

function forget() {
  links.forEach((url) => URL.revokeObjectURL(url));
  links = [];
  $("done").hidden = true;
}

function offer(anchor, bytes, fileName, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  links.push(url);
  anchor.href = url;
  anchor.download = fileName;
}

function showColumns(described) {
  const box = $("columns");
  box.replaceChildren();
  const intro = document.createElement("p");
  intro.textContent = `${described.rows.toLocaleString()} rows. What each column holds:`;
  const list = document.createElement("ul");
  for (const { column, field } of described.columns) {
    const item = document.createElement("li");
    item.textContent = field ? `${column} — ${field}` : `${column} — kept as it is, not encoded`;
    list.append(item);
  }
  box.append(intro, list);
  box.hidden = false;
  const share = $("share-box");
  share.replaceChildren();
  for (const column of described.shareable.slice(0, 12)) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = column;
    box.className = "share";
    label.append(box, ` Send “${column}” in plain text (to show the overlap by place or group)`);
    share.append(label);
  }
  $("ssn-box").hidden = described.ssn_columns.length === 0;
  $("options").hidden = described.shareable.length === 0 && described.ssn_columns.length === 0;
}

$("roster").addEventListener("change", async () => {
  forget();
  showError("");
  const file = $("roster").files[0];
  roster = null;
  $("columns").hidden = true;
  ready();
  if (!file) return;
  const data = await file.arrayBuffer();
  try {
    status("Reading your roster in this browser…");
    const described = await call("describe", { data: data.slice(0), name: file.name });
    if (described.error) throw new Error(described.error);
    roster = { name: file.name, data, described };
    showColumns(described);
    status("Ready. Your roster stays in this browser.");
  } catch (error) {
    showError(error.message);
    status("Pick another file.");
  }
  ready();
});

$("secret-file").addEventListener("change", async () => {
  const file = $("secret-file").files[0];
  secret = file ? await file.arrayBuffer() : null;
  ready();
});

for (const radio of document.querySelectorAll('input[name="secret-how"]')) {
  radio.addEventListener("change", () => {
    const makeNew = radio.value === "new" && radio.checked;
    $("secret-new-box").hidden = !makeNew;
    $("secret-file-box").hidden = makeNew;
    if (makeNew) {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      secret = new TextEncoder().encode(hex).buffer;
      offer($("secret-download"), `${hex}\n`, "partners.secret", "text/plain");
    } else {
      const file = $("secret-file").files[0];
      secret = null;
      if (file) file.arrayBuffer().then((data) => { secret = data; ready(); });
    }
    ready();
    resize();
  });
}

$("encode").addEventListener("click", async () => {
  forget();
  showError("");
  $("encode").disabled = true;
  progress(0, "Encoding in this browser");
  const share = [...document.querySelectorAll("input.share:checked")].map((box) => box.value);
  try {
    const out = await call("encode", {
      data: roster.data.slice(0), name: roster.name, secret: secret.slice(0), share,
      useSsn: $("use-ssn").checked,
    });
    if (out.error) throw new Error(out.error);
    offer($("clk-download"), out.clk, `${out.name}.clk`, "text/csv");
    offer($("key-download"), out.key, `${out.name}.key.csv`, "text/csv");
    $("done-text").textContent =
      `Encoded ${out.records.toLocaleString()} records of ${out.name}, in this browser.`;
    $("done").hidden = false;
    status("Done. Nothing was sent: download the two files.");
  } catch (error) {
    showError(error.message);
    status("The roster could not be encoded.");
  }
  progress(null);
  ready();
  resize();
});

window.addEventListener("message", async (event) => {
  if (event.data.type !== "streamlit:render" || worker.started) return;
  worker.started = true;
  try {
    const started = performance.now();
    await call("start", { bundle: event.data.args.bundle });
    $("steps").hidden = false;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status(`The encoder is running in this browser (started in ${seconds} s).`);
  } catch (error) {
    showError(`The encoder could not start: ${error.message}`);
  }
  resize();
});

new ResizeObserver(resize).observe(document.body);
tell("streamlit:componentReady", { apiVersion: 1 });
