// The search page: queries the Pagefind indexes (one per month) `digest build` writes beside the pages.
// Results are built with DOM calls (text as text); only Pagefind's <mark> survives in excerpts.
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const PAGE = 20;
const WAIT_MS = 120; // after the last keystroke
let engine = null;
let months = []; // the indexes, one a month, newest first
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
  // One Pagefind index per month, newest first: the newest loads Pagefind, the rest merge in,
  // so results of all months come back as one list (a date sort stays newest first). Each is
  // tagged with a `month` filter, which `find` uses.
  const base = form.dataset.index;
  const listed = await fetch(`${base}shards.json`, { cache: "no-cache" });
  if (!listed.ok) throw new Error(`no index (${listed.status})`);
  const [newest, ...older] = (await listed.json()).months;
  const module = await import(`${base}${newest}/pagefind.js`);
  await module.options({ ...OPTIONS, mergeFilter: { month: newest } });
  await module.init();
  await Promise.all(
    older.map((name) => module.mergeIndex(`${base}${name}/`, { ...OPTIONS, mergeFilter: { month: name } })),
  );
  months = [newest, ...older];
  return module;
}

// Sorted by date, each month's results are scored by rank (n - 1 … 0) and the merged list is
// ordered by score, so months interleave. With each month's count, the order is known again:
// results of score k come from the months with more than k results, in merge order.
function newestFirst(search) {
  const counts = search.filters?.month;
  if (!counts) return search.results;
  const from = new Map(); // score -> [months holding a result of that score, next one]
  const keyed = search.results.map((result) => {
    const k = result.score;
    if (!from.has(k)) from.set(k, [months.filter((m) => (counts[m] || 0) > k), 0]);
    const slot = from.get(k);
    const month = slot[0][slot[1]++];
    return [months.indexOf(month), counts[month] - 1 - k, result];
  });
  keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return keyed.map((entry) => entry[2]);
}

// Pagefind matches a word on the words that start with it; an index with none of those matches
// it on its longest prefix instead ("soyabean" on "so"), typo tolerance meant for one index of
// a whole site. Over months it would add every month without the word, so when some months hold
// each word exactly, only those months are searched.
async function find(pagefind, q, filters) {
  if (!q) {
    const sorted = await pagefind.search(null, { filters, sort: { date: "desc" } });
    return sorted && { ...sorted, results: newestFirst(sorted) };
  }
  const words = q.includes('"') ? [] : q.split(/\s+/);
  const holding = await Promise.all(
    words.map(async (word) => {
      // a month filter matching none: the counts per month come back, no result is ranked
      const exact = await pagefind.search(`"${word}"`, { filters: { month: "none" } });
      const counts = Object.entries(exact?.totalFilters?.month || {});
      return counts.filter(([, n]) => n > 0).map(([m]) => m);
    }),
  );
  let months = null;
  for (const some of holding.filter((h) => h.length)) {
    months = months ? months.filter((m) => some.includes(m)) : some;
  }
  const narrowed = months ? { ...filters, month: { any: months } } : filters;
  return pagefind.search(q, { filters: narrowed });
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

async function showMore() {
  const mine = turn;
  const next = await Promise.all(found.slice(shown, shown + PAGE).map((r) => r.data()));
  if (mine !== turn) return;
  list.append(...next.map(item));
  shown += next.length;
  more.hidden = shown >= found.length;
}

async function run() {
  const mine = ++turn;
  const { q, topic, source } = fields();
  const query = new URLSearchParams(Object.entries({ q, topic, source }).filter(([, v]) => v));
  history.replaceState(null, "", query.size ? `?${query}` : location.pathname);
  if (!q && !topic && !source) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "Type a word, or choose a topic or a source.";
    return;
  }
  let pagefind;
  try {
    pagefind = await load();
  } catch {
    status.textContent = "The search index is missing: no articles have been published yet.";
    return;
  }
  const filters = {};
  if (topic) filters.topic = topic;
  if (source) filters.source = source;
  const search = await find(pagefind, q, filters);
  if (mine !== turn || !search) return;
  found = search.results;
  shown = 0;
  list.replaceChildren();
  const count = found.length;
  status.textContent = count
    ? `${count} ${count === 1 ? "article" : "articles"} found.`
    : "No articles found. Try other words, or fewer filters.";
  await showMore();
}

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
  });
  form.elements.topic.addEventListener("change", run);
  form.elements.source.addEventListener("change", run);
  more.addEventListener("click", showMore);
  // the indexes load while the reader types the first word, not after it
  form.elements.q.addEventListener("focus", () => load().catch(() => {}), { once: true });
  run();
}
