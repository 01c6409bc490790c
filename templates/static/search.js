/* portalgen search: results as you type over feedback, decisions and changes.
 *
 * Progressive enhancement: without this script the search form in the header is a plain GET form
 * that leads to the full feedback list. With it, the box becomes an ARIA 1.2 combobox: the
 * build-time index (search/index.js, a script assigning window.PORTALGEN_SEARCH so that it also
 * loads from a folder opened over file://) is loaded the first time the box gets focus, and
 * matches show in a listbox below it. Up and Down move through the results, Enter opens the one
 * chosen (or, with none chosen, submits the form to the feedback list), Escape closes the list.
 *
 * No external requests, no inline code, no HTML built from content: everything goes in via
 * textContent. window.portalgen.search is shared with filters.js.
 */
(function () {
  "use strict";

  var ROOT = document.documentElement.getAttribute("data-root") || "./";
  var KINDS = { f: "You said", d: "Decision", c: "We did" };
  var MAX_RESULTS = 8;
  var RULES = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  /* Counts written the way the pages write them ("1.234" in German), in Western digits as Babel does. */
  var NUMBERS = window.Intl && Intl.NumberFormat
    ? new Intl.NumberFormat(document.documentElement.lang || "en", { numberingSystem: "latn" }) : null;

  /* The portal's words for scripts ("w" in the search index, in the portal's language); English
   * until the index is loaded. A plural is {CLDR category: text}, chosen with Intl.PluralRules. */
  function say(idx, key, english, values) {
    var entry = idx && idx.words ? idx.words[key] : null;
    var text = english;
    if (typeof entry === "string") text = entry;
    else if (entry && values) {
      var category = RULES ? RULES.select(values.num) : (values.num === 1 ? "one" : "other");
      text = entry[category] || entry.other || english;
    }
    return text.replace(/%\((\w+)\)s/g, function (m, name) {
      if (!values || !Object.prototype.hasOwnProperty.call(values, name)) return m;
      var value = values[name];
      return typeof value === "number" && NUMBERS ? NUMBERS.format(value) : String(value);
    });
  }

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* Where a record lives: the index carries the site's URL patterns (portalgen/model/urls.py). */
  function urlFor(patterns, kind, slug) {
    return ROOT + patterns[kind].replace("{slug}", slug);
  }

  /* Turn the compact rows into objects with a folded haystack, once. */
  function prepare(raw) {
    var tags = raw.tags || [];
    var segs = raw.segs || [];
    var items = (raw.i || []).map(function (row) {
      var tagNames = row[6].map(function (n) { return tags[n][1]; });
      var item = {
        kind: row[0], slug: row[1], title: row[2], text: row[3], status: row[4], date: row[5],
        tags: row[6].map(function (n) { return tags[n][0]; }), tagNames: tagNames,
        segs: row[7].map(function (n) { return segs[n][0]; }), names: row[8] || "", credit: row[9] || "",
        url: urlFor(raw.u, row[0], row[1])
      };
      item.foldedTitle = fold(item.title);
      item.foldedMeta = fold(tagNames.join(" ") + " " + item.names + " " + ((raw.st[item.status] || [""])[0]));
      item.hay = item.foldedTitle + "\n" + item.foldedMeta + "\n" + fold(item.text);
      return item;
    });
    return { items: items, statuses: raw.st || {}, tags: tags, segs: segs, months: raw.mo || [], datePattern: raw.df, words: raw.w || {}, urlFor: function (kind, slug) { return urlFor(raw.u, kind, slug); } };
  }

  var index = null;
  var loading = null;

  function loadIndex() {
    if (index) return Promise.resolve(index);
    if (window.PORTALGEN_SEARCH) {
      index = prepare(window.PORTALGEN_SEARCH);
      return Promise.resolve(index);
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = ROOT + "search/index.js";
        script.async = true;
        script.onload = function () {
          if (!window.PORTALGEN_SEARCH) { reject(new Error("search index is empty")); return; }
          index = prepare(window.PORTALGEN_SEARCH);
          resolve(index);
        };
        script.onerror = function () {
          loading = null;
          script.remove();
          reject(new Error("could not load the search index"));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function terms(query) {
    return fold(query).split(/\s+/).filter(Boolean);
  }

  /* Every item (optionally only one kind) whose text holds every word, best first. */
  function search(idx, query, kind) {
    var words = terms(query);
    var out = [];
    if (!words.length) return out;
    var items = idx.items;
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      if (kind && item.kind !== kind) continue;
      var hay = item.hay;
      var score = 0;
      for (var w = 0; w < words.length; w++) {
        var word = words[w];
        var at = hay.indexOf(word);
        if (at < 0) { score = -1; break; }
        var inTitle = item.foldedTitle.indexOf(word);
        if (inTitle === 0 || (inTitle > 0 && item.foldedTitle.charAt(inTitle - 1) === " ")) score += 12;
        else if (inTitle > 0) score += 6;
        else if (item.foldedMeta.indexOf(word) >= 0) score += 4;
        else score += 1;
      }
      if (score >= 0) out.push({ item: item, score: score });
    }
    out.sort(function (a, b) {
      return b.score - a.score || (a.item.date < b.item.date ? 1 : a.item.date > b.item.date ? -1 : 0);
    });
    return out.map(function (r) { return r.item; });
  }

  function badge(idx, status) {
    var s = idx.statuses[status] || [status, ""];
    var el = document.createElement("span");
    el.className = "badge badge-" + status;
    var symbol = document.createElement("span");
    symbol.className = "badge-symbol";
    symbol.setAttribute("aria-hidden", "true");
    symbol.textContent = s[1];
    el.appendChild(symbol);
    el.appendChild(document.createTextNode(" " + s[0]));
    return el;
  }

  /* "4 March 2026", as the pages write dates: the month names come with the index. */
  function longDate(iso) {
    var d = new Date(iso + "T00:00:00Z");
    if (isNaN(d) || !index) return iso;
    return (index.datePattern || "%(day)s %(month)s %(year)s").replace("%(day)s", String(d.getUTCDate()))
      .replace("%(month)s", index.months[d.getUTCMonth()]).replace("%(year)s", String(d.getUTCFullYear()));
  }

  window.portalgen = window.portalgen || {};
  window.portalgen.longDate = longDate;
  window.portalgen.say = say;
  window.portalgen.root = ROOT;
  window.portalgen.loadIndex = loadIndex;
  window.portalgen.search = search;
  window.portalgen.badge = badge;
  window.portalgen.fold = fold;

  /* --- the combobox in the header ------------------------------------------------------------ */

  var form = document.querySelector("form.site-search");
  var input = form && form.querySelector("input[type=search]");
  if (!input) return;

  var panel = document.createElement("div");
  panel.className = "search-panel";
  panel.hidden = true;
  var listbox = document.createElement("ul");
  listbox.id = "site-search-results";
  listbox.className = "search-results";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", form.getAttribute("data-results-label") || "Search results");
  var empty = document.createElement("p");
  empty.className = "search-empty";
  var status = document.createElement("p");
  status.id = "site-search-status";
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  panel.appendChild(listbox);
  panel.appendChild(empty);
  form.appendChild(panel);
  form.appendChild(status);
  form.classList.add("is-enhanced");

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-describedby", "site-search-hint");

  var options = [];
  var active = -1;
  var lastQuery = null;

  function setActive(n) {
    if (active >= 0 && options[active]) {
      options[active].classList.remove("is-active");
      options[active].setAttribute("aria-selected", "false");
    }
    active = n;
    if (active >= 0 && options[active]) {
      var option = options[active];
      option.classList.add("is-active");
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    setActive(-1);
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function open() {
    if (!terms(input.value).length) return;
    panel.hidden = false;
    listbox.hidden = !options.length;
    empty.hidden = !!options.length;
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
  }

  function option(n, href, build) {
    var li = document.createElement("li");
    li.id = "site-search-option-" + n;
    li.className = "search-option";
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.setAttribute("data-href", href);
    build(li);
    return li;
  }

  function render(idx, query) {
    var matches = search(idx, query);
    listbox.textContent = "";
    options = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!terms(query).length) {
      status.textContent = "";
      close();
      return;
    }
    matches.slice(0, MAX_RESULTS).forEach(function (item, n) {
      options.push(option(n, item.url, function (li) {
        var head = document.createElement("span");
        head.className = "search-option-head";
        var title = document.createElement("span");
        title.className = "search-option-title";
        title.textContent = item.title;
        head.appendChild(title);
        head.appendChild(badge(idx, item.status));
        var meta = document.createElement("span");
        meta.className = "search-option-meta";
        meta.textContent = ((idx.words.kinds || KINDS)[item.kind] || KINDS[item.kind]) + " · " + longDate(item.date) + (item.names ? " · " + item.names : "");
        li.appendChild(head);
        li.appendChild(meta);
      }));
    });
    var feedbackCount = 0;
    for (var i = 0; i < matches.length; i++) if (matches[i].kind === "f") feedbackCount++;
    if (feedbackCount) {
      options.push(option(options.length, form.getAttribute("action") + "?q=" + encodeURIComponent(query.trim()),
        function (li) {
          li.classList.add("search-option-all");
          li.textContent = say(idx, "seeAll", feedbackCount === 1 ? "See all %(num)s matching feedback item →"
            : "See all %(num)s matching feedback items →", { num: feedbackCount });
        }));
    }
    empty.textContent = matches.length ? "" : say(idx, "nothing", "Nothing matches “%(query)s”.", { query: query.trim() });
    options.forEach(function (li) { listbox.appendChild(li); });
    var counted = { num: matches.length, best: MAX_RESULTS };
    status.textContent = !matches.length ? say(idx, "noResults", "No results.")
      : matches.length > MAX_RESULTS ? say(idx, "resultsBest", "%(num)s results, showing the best %(best)s.", counted)
      : say(idx, "results", matches.length === 1 ? "%(num)s result." : "%(num)s results.", counted);
    open();
  }

  function update() {
    var query = input.value;
    if (query === lastQuery && !panel.hidden) return;
    lastQuery = query;
    if (index) { render(index, query); return; }
    loadIndex().then(function (idx) {
      if (input.value === query) render(idx, query);
    }, function () {
      status.textContent = form.getAttribute("data-unavailable") ||
        "Search is not available right now; press Enter to search the feedback list.";
    });
  }

  function go(li) {
    window.location.href = li.getAttribute("data-href");
  }

  input.addEventListener("focus", function () { loadIndex().catch(function () {}); });
  input.addEventListener("input", update);
  input.addEventListener("keydown", function (event) {
    switch (event.key) {
      case "ArrowDown":
        if (panel.hidden) { lastQuery = null; update(); }
        if (options.length) setActive(active + 1 >= options.length ? 0 : active + 1);
        event.preventDefault();
        break;
      case "ArrowUp":
        if (options.length) setActive(active <= 0 ? options.length - 1 : active - 1);
        event.preventDefault();
        break;
      case "Enter":
        if (!panel.hidden && active >= 0 && options[active]) {
          event.preventDefault();
          go(options[active]);
        }
        break;
      case "Escape":
        if (!panel.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          lastQuery = null;
        }
        break;
      default:
        break;
    }
  });
  panel.addEventListener("mousedown", function (event) { event.preventDefault(); });
  listbox.addEventListener("click", function (event) {
    var li = event.target.closest("[role=option]");
    if (li) go(li);
  });
  listbox.addEventListener("mousemove", function (event) {
    var li = event.target.closest("[role=option]");
    if (li && options.indexOf(li) !== active) setActive(options.indexOf(li));
  });
  input.addEventListener("blur", function () { close(); });
  form.addEventListener("submit", function (event) {
    if (!input.value.trim()) {
      event.preventDefault();
      window.location.href = form.getAttribute("action");
    }
  });
})();
