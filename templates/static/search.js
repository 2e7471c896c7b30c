// The search page: words query the Pagefind indexes (one per month) `digest build` writes beside
// the pages, newest month first, drawing each month's results as they come (older months are
// appended); a topic or source alone reads the build's lists. Results are built with DOM calls
// (text as text); only Pagefind's <mark> survives in excerpts.
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const PAGE = 20;
const SCREEN = 6; // results on a laptop's first screen
const WAIT_MS = 120; // after the last keystroke
let engine = null; // the indexes, once listed
let turn = 0;
let timer = 0;
let found = [];
let shown = 0;

const fields = () => ({
  q: form.elements.q.value.trim(),
  topic: form.elements.topic.value,
  source: form.elements.source.value,
});

const OPTIONS = { baseUrl: "/", excerptLength: 30 }; // record URLs already hold the base path

async function openIndexes() {
  // Each index (a month's, and the delta of articles changed since their month was indexed)
  // has its own Pagefind: its folder's pagefind.js, a module and a worker of its own (one
  // module's instances share one WebAssembly state, which breaks across indexes). Each is
  // opened when first needed, or warmed ahead, newest first, two at a time.
  const base = form.dataset.index;
  const listed = await fetch(`${base}shards.json`, { cache: "no-cache" });
  if (!listed.ok) throw new Error(`no index (${listed.status})`);
  const { months, recent = {}, gone = {}, parts = {} } = await listed.json();
  const opened = new Map();
  const open = (folder) => {
    if (!opened.has(folder)) {
      const ready = import(`${base}${folder}/pagefind.js`).then(async (instance) => {
        await instance.options(OPTIONS);
        await instance.init();
        return instance;
      });
      opened.set(folder, ready);
    }
    return opened.get(folder);
  };
  // An index's folders: its own and, for a month with much text, its parts (each a Pagefind
  // of its own, the newest articles in the first).
  const folders = (name) => [
    name,
    ...Array.from({ length: (parts[name] || 1) - 1 }, (_, i) => `${name}/part-${i + 2}`),
  ];
  const openAll = (name) => Promise.all(folders(name).map(open));
  const segments = Object.keys(recent); // the delta's, newest first
  const names = [...segments, ...months];
  // Warming waits for the query in flight (which opens what it needs itself), and for each
  // index to be ready before the lane's next (Pagefind's init returns before its worker has
  // loaded anything; an empty search returns once it has): it never crowds a query's cores.
  const warm = (count) => {
    const order = names.slice(0, count).flatMap(folders);
    return Promise.all(
      [0, 1].map(async (lane) => {
        for (let i = lane; i < order.length; i += 2) {
          await idle();
          await open(order[i]).then((instance) => instance.search("")).catch(() => {});
        }
      }),
    );
  };
  // the months with articles: indexed ones and those only the delta holds yet
  const dated = new Set(months);
  for (const times of Object.values(recent)) {
    for (const time of Object.values(times)) dated.add(time.slice(0, 7));
  }
  return {
    warm: (count) => warm(segments.length + count),
    // while the reader types, the newest indexes fetch the chunks the words need
    preload: (q) =>
      names
        .slice(0, segments.length + 2)
        .flatMap(folders)
        .forEach((folder) => {
          open(folder).then((instance) => instance.preload(q), () => {});
        }),
    delta: segments.map((name) => ({
      open: () => openAll(name),
      times: recent[name],
      gone: new Set(gone[name] || []),
    })),
    months: [...dated].sort().reverse().map((month) => ({
      month,
      open: months.includes(month) ? () => openAll(month) : null,
      gone: new Set(gone[month] || []),
    })),
  };
}

// Pagefind matches a word on the words that start with it; an index with none of those matches
// it on its longest prefix instead ("soyabean" on "so"), typo tolerance meant for one index of
// a whole site. Over months it would add every month without the word, so an index's results
// are kept only if it holds each word exactly (its superseded records aside), or if no index
// holds that word exactly (its results then wait for the last month).
async function lacking(instance, q, gone) {
  const words = q.includes('"') ? [] : q.split(/\s+/);
  const counts = await Promise.all(
    words.map(async (word) => {
      if (!gone.size) {
        // only a count: a topic no article has (control characters are dropped from topics)
        // leaves Pagefind no results to rank, and it still counts the matches
        const none = await instance.search(`"${word}"`, { filters: { topic: "\u0001" } });
        return none?.unfilteredResultCount || 0;
      }
      const exact = (await instance.search(`"${word}"`))?.results || [];
      return exact.filter((r) => !gone.has(r.id)).length;
    }),
  );
  return words.filter((_, i) => !counts[i]);
}

// Yields each month's results for words, newest month first (by relevance within the month),
// until the caller stops asking. Two months are searched at once (two workers: most machines
// have two cores), so the next month is ready when one is drawn. A month's results leave out
// its superseded records (by id: no fragment is loaded) and take in the delta's results of
// that month. Each part of an index counts as an index of its own (the words it lacks).
async function* byMonth({ delta, months }, q, filters, mine) {
  const words = q.split(/\s+/);
  const search = (instances, gone) =>
    Promise.all(
      instances.map(async (instance) => {
        const found = await instance.search(q, { filters });
        // a query typed over meanwhile skips the exact look-ups (its results are not drawn)
        const missing = mine === turn ? await lacking(instance, q, gone) : [];
        return { missing, results: (found?.results || []).filter((r) => !gone.has(r.id)) };
      }),
    );
  const news = Promise.all(
    delta.map(({ open, times, gone }) =>
      open().then(async (instances) => ({ parts: await search(instances, gone), times })),
    ),
  );
  const one = ({ open, gone }) =>
    Promise.all([
      open
        ? open().then((instances) => search(instances, gone))
        : [{ missing: words, results: [] }],
      news,
    ]);
  const started = months.slice(0, 2).map(one);
  const held = new Set(); // words some index holds exactly
  const waiting = []; // [words it lacks, results] of indexes that may not count
  for (let i = 0; i < months.length; i++) {
    const [own, added] = await started[i];
    if (i + 2 < months.length) started.push(one(months[i + 2]));
    const month = months[i].month;
    const pieces = [...own];
    for (const { parts, times } of added) {
      for (const { missing, results } of parts) {
        pieces.push({ missing, results: results.filter((r) => times[r.id].startsWith(month)) });
      }
    }
    let ready = [];
    for (const { missing, results } of pieces) {
      for (const word of words) if (!missing.includes(word)) held.add(word);
      if (missing.length) waiting.push([missing, results]);
      else ready = ready.concat(results);
    }
    yield ready.sort((a, b) => b.score - a.score);
  }
  for (const [missing, results] of waiting) {
    if (results.length && !missing.some((word) => held.has(word))) yield results;
  }
}

// A topic or a source alone, or both: the build's lists (newest first, in files of `size`
// numbered from the oldest), not Pagefind, which loads every word chunk of every month for a
// search without words. One list alone is every result at once, each reading its file when
// drawn; with both, the shorter list's files are read newest first, keeping the other's rows.
let lists = null;
function listed() {
  lists ??= fetch(`${form.dataset.lists}index.json`, { cache: "no-cache" }).then((response) => {
    if (!response.ok) throw new Error(`no lists (${response.status})`);
    return response.json();
  });
  return lists.catch((error) => {
    lists = null; // fetched afresh on the next query
    throw error;
  });
}

async function* byList(filters) {
  const base = form.dataset.lists;
  const index = await listed();
  const chosen = Object.entries(filters).map(([kind, name]) => [kind, index[kind][name]]);
  if (chosen.some(([, known]) => !known)) return; // no article has it
  const [kind, [slug, count]] = chosen.sort((a, b) => a[1][1] - b[1][1])[0];
  const files = new Map();
  const file = (n) => {
    if (!files.has(n)) {
      const url = `${base}${kind}/${encodeURIComponent(slug)}/${n}.json`;
      const read = fetch(url).then((response) => {
        if (!response.ok) throw new Error(`no list ${url} (${response.status})`);
        return response.json();
      });
      files.set(n, read);
    }
    return files.get(n);
  };
  const size = index.size;
  const shown = ([url, title, datetime, date, topic, source, text]) => async () => ({
    url,
    meta: { title, datetime, date, topic, source },
    excerpt: text.replace(/&/g, "&amp;").replace(/</g, "&lt;"), // drawn as text
  });
  if (chosen.length === 1) {
    // the k-th newest is the (count - 1 - k)-th oldest: in file ⌊that ÷ size⌋, newest first
    const row = async (k) => {
      const old = count - 1 - k;
      const n = Math.floor(old / size);
      return (await file(n))[Math.min(count, n * size + size) - 1 - old];
    };
    yield Array.from({ length: count }, (_, k) => ({ data: async () => shown(await row(k))() }));
    return;
  }
  const [other, name] = Object.entries(filters).find(([key]) => key !== kind);
  const column = other === "topic" ? 4 : 5;
  const newest = Math.ceil(count / size) - 1;
  for (let n = newest; n >= 0; n--) file(n); // all asked for at once, newest first
  for (let n = newest; n >= 0; n--) {
    const rows = (await file(n)).filter((row) => row[column] === name);
    yield rows.map((row) => ({ data: shown(row) }));
  }
}

function load() {
  engine ??= openIndexes().catch((error) => {
    engine = null; // try again on the next query
    throw error;
  });
  return engine;
}

function excerpt(text) {
  // Pagefind escapes the text and wraps matches in <mark>; keep only those marks.
  const holder = document.createElement("template");
  holder.innerHTML = text;
  const out = document.createElement("p");
  out.className = "summary";
  for (const node of holder.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(node.textContent);
    }
  }
  return out;
}

function item(data) {
  const li = document.createElement("li");
  li.className = "entry";
  const heading = document.createElement("h2");
  heading.className = "entry-title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  const time = document.createElement("time");
  time.dateTime = data.meta.datetime || "";
  time.textContent = data.meta.date || "";
  meta.append(time);
  for (const key of ["source", "topic"]) {
    if (data.meta[key]) {
      const span = document.createElement("span");
      span.className = key;
      span.textContent = data.meta[key];
      meta.append(span);
    }
  }
  li.append(heading, meta, excerpt(data.excerpt || ""));
  return li;
}

// `fresh`: the query (its address's search part) whose results replace the list's
async function showMore(count = PAGE, fresh = "") {
  const mine = turn;
  const taken = found.slice(shown, shown + count);
  shown += taken.length; // taken now, so a click meanwhile draws the next ones
  const loading = taken.map((r) => r.data());
  // a new query's first screenful is drawn as soon as it is in, the rest below it when in
  const parts = fresh ? [loading.slice(0, SCREEN), loading.slice(SCREEN)] : [loading];
  for (const part of parts) {
    if (!part.length && !fresh) continue;
    const next = (await Promise.all(part)).map(item);
    if (mine !== turn) return;
    // a new query's results replace the old ones at once: the list never flashes empty
    if (fresh) {
      list.replaceChildren(...next);
      list.dataset.query = fresh; // the query the drawn results answer
      status.textContent = searching();
    } else list.append(...next);
    fresh = "";
  }
  more.hidden = shown >= found.length;
}

// settles when the query in flight ends: warming waits for it
let asking = Promise.resolve();
async function idle() {
  for (let now = null; now !== asking; ) await (now = asking);
}

async function run() {
  let done;
  asking = new Promise((resolve) => (done = resolve));
  try {
    await ask();
  } finally {
    done();
  }
}

async function ask() {
  const mine = ++turn;
  const { q, topic, source } = fields();
  const query = new URLSearchParams(Object.entries({ q, topic, source }).filter(([, v]) => v));
  history.replaceState(null, "", query.size ? `?${query}` : location.pathname);
  if (!q && !topic && !source) {
    list.replaceChildren();
    list.removeAttribute("aria-busy");
    delete list.dataset.query;
    more.hidden = true;
    status.textContent = "Type a word, or choose a topic or a source.";
    return;
  }
  let pagefind;
  try {
    pagefind = q ? await load() : null; // a topic or source alone reads the lists
  } catch {
    status.textContent = "The search index is missing: no articles have been published yet.";
    return;
  }
  const filters = {};
  if (topic) filters.topic = topic;
  if (source) filters.source = source;
  let first = true;
  list.setAttribute("aria-busy", "true");
  try {
    const answers = q ? byMonth(pagefind, q, filters, mine) : byList(filters);
    for await (const results of answers) {
      if (mine !== turn) return; // the reader typed on: stop searching older months
      const fresh = first;
      if (first) {
        found = [];
        shown = 0;
        first = false;
      }
      found.push(...results);
      if (shown < PAGE || fresh) await showMore(PAGE - shown, fresh ? query.toString() : "");
      else more.hidden = false;
      if (mine !== turn) return;
      list.dataset.query = query.toString(); // the query the drawn results answer
      status.textContent = searching();
    }
  } catch {
    if (mine !== turn) return;
    engine = null; // listed afresh on the next query
    list.removeAttribute("aria-busy");
    status.textContent =
      "Part of the search index could not be loaded: search again, or reload the page.";
    return;
  }
  if (first) {
    found = [];
    shown = 0;
    list.replaceChildren();
    list.dataset.query = query.toString();
  }
  list.removeAttribute("aria-busy");
  more.hidden = shown >= found.length;
  status.textContent = found.length
    ? `${counted(found.length)} found.`
    : "No articles found. Try other words, or fewer filters.";
}

const searching = () =>
  found.length
    ? `${counted(found.length)} found so far; searching older months…`
    : "Searching older months…";
const counted = (n) => `${n.toLocaleString("en")} ${n === 1 ? "article" : "articles"}`;

if (form) {
  const params = new URLSearchParams(location.search);
  form.elements.q.value = params.get("q") || "";
  for (const name of ["topic", "source"]) {
    const wanted = params.get(name) || "";
    const select = form.elements[name];
    if ([...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  form.elements.q.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, WAIT_MS);
    const { q } = fields();
    if (q && !q.includes('"')) load().then((indexes) => indexes.preload(q), () => {});
  });
  form.elements.topic.addEventListener("change", run);
  form.elements.source.addEventListener("change", run);
  more.addEventListener("click", () => showMore());
  // the newest indexes load with the page, the others while the reader types the first word
  const warm = (count) => load().then((indexes) => indexes.warm(count), () => {});
  form.elements.q.addEventListener("focus", () => warm(Infinity), { once: true });
  run();
  warm(2);
  listed().catch(() => {});
}
