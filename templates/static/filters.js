/* portalgen filters for the feedback list: words, status, theme and segment, combined.
 *
 * Without JavaScript the list pages still work: the status links lead to the static pages
 * feedback/status/<status>/ and every theme has its own page. With it, the filter form appears and
 * filters ALL feedback, not only the 50 on this page, using the same lazily loaded search index as
 * the search box (window.portalgen from search.js). While a filter differs from what the page
 * shows anyway, the static list and its pager are swapped for the matches, 50 at a time. The
 * filter is kept in the address (?q=&status=&tag=&segment=) so it can be shared and bookmarked;
 * the search box's form lands here with ?q=.
 */
(function () {
  "use strict";

  var pg = window.portalgen;
  var form = document.getElementById("feedback-filters");
  if (!form || !pg || !pg.loadIndex) return;

  var staticList = document.getElementById("feedback-list");
  var results = document.getElementById("filter-results");
  var list = document.getElementById("filter-results-list");
  var more = document.getElementById("filter-more");
  var summary = document.getElementById("filters-summary");
  var pageStatus = form.getAttribute("data-status") || "";
  var PAGE = 50;
  var FIELDS = ["q", "status", "tag", "segment"];
  var shown = 0;
  var matches = [];
  var idx = null;

  form.hidden = false;
  /* The status select replaces the status links: one control for one thing. */
  var statusLinks = document.querySelector(".status-filter");
  if (statusLinks) statusLinks.hidden = true;

  function state() {
    var s = {};
    FIELDS.forEach(function (name) { s[name] = (form.elements[name].value || "").trim(); });
    return s;
  }

  function isPageDefault(s) {
    return !s.q && !s.tag && !s.segment && s.status === pageStatus;
  }

  function label(select) {
    return select.options[select.selectedIndex].textContent.replace(/\s*\(\d+\)$/, "");
  }

  function describe(s, count) {
    var parts = [];
    if (s.q) parts.push(pg.say(idx, "with", "with “%(query)s”", { query: s.q }));
    if (s.status) parts.push(pg.say(idx, "status", "status %(name)s", { name: label(form.elements.status) }));
    if (s.tag) parts.push(pg.say(idx, "theme", "theme %(name)s", { name: label(form.elements.tag) }));
    if (s.segment) parts.push(pg.say(idx, "from", "from %(name)s", { name: label(form.elements.segment) }));
    var pieces = pg.say(idx, "pieces", count === 1 ? "%(num)s piece of feedback" : "%(num)s pieces of feedback",
                        { num: count });
    return pieces + (parts.length ? " " + parts.join(", ") : "") + ".";
  }

  /* A card for one match: the theme's own card markup (the <template> holds one rendered by the
   * same macro as the list), with this item's title, link, status, date, credit and themes. */
  var prototype = document.getElementById("feedback-card");
  function card(item) {
    var li = prototype.content.firstElementChild.cloneNode(true);
    li.setAttribute("data-status", item.status);
    li.setAttribute("data-tags", item.tags.join(" "));
    li.setAttribute("data-segments", item.segs.join(" "));
    var a = li.querySelector(".card-title a");
    a.href = item.url;
    a.textContent = item.title;
    var badge = li.querySelector(".badge");
    badge.parentNode.replaceChild(pg.badge(idx, item.status), badge);
    var time = li.querySelector(".meta time");
    time.setAttribute("datetime", item.date);
    time.textContent = pg.longDate(item.date);
    var credit = time.nextSibling;  /* " from 1 customer": the template's credit, as its wording puts it */
    if (item.credit) credit.textContent = credit.textContent.replace(prototype.getAttribute("data-credit"), item.credit);
    else credit.parentNode.removeChild(credit);
    var tags = li.querySelector(".tags");
    var tag = tags.firstElementChild;
    tags.removeChild(tag);
    item.tags.forEach(function (slug, n) {
      var t = tag.cloneNode(true);
      var link = t.querySelector("a");
      link.href = idx.urlFor("t", slug);
      link.textContent = item.tagNames[n];
      tags.appendChild(t);
    });
    if (!item.tags.length) tags.parentNode.removeChild(tags);
    return li;
  }

  function showMore() {
    var next = matches.slice(shown, shown + PAGE);
    var fragment = document.createDocumentFragment();
    next.forEach(function (item) { fragment.appendChild(card(item)); });
    list.appendChild(fragment);
    shown += next.length;
    more.hidden = shown >= matches.length;
    more.textContent = pg.say(idx, "more", "Show %(count)s more of %(total)s",
                              { count: Math.min(PAGE, matches.length - shown), total: matches.length - shown });
  }

  function remember(s) {
    var params = [];
    FIELDS.forEach(function (name) {
      var value = s[name];
      if (name === "status") {
        if (value === pageStatus) return; // the page itself says so
        value = value || "any";
      }
      if (value) params.push(name + "=" + encodeURIComponent(value));
    });
    var query = params.length ? "?" + params.join("&") : "";
    try {
      window.history.replaceState(null, "", window.location.pathname + query);
    } catch (e) { /* some browsers refuse this for file:// pages; the filter still works */ }
  }

  function apply() {
    var s = state();
    remember(s);
    if (isPageDefault(s)) {
      results.hidden = true;
      staticList.hidden = false;
      summary.textContent = "";
      return;
    }
    summary.textContent = form.getAttribute("data-filtering") || "Filtering…";
    pg.loadIndex().then(function (loaded) {
      idx = loaded;
      var now = state();
      if (FIELDS.some(function (name) { return now[name] !== s[name]; })) return; // a newer change won
      var pool = s.q ? pg.search(idx, s.q, "f") : idx.items.filter(function (item) { return item.kind === "f"; });
      matches = pool.filter(function (item) {
        return (!s.status || item.status === s.status) &&
          (!s.tag || item.tags.indexOf(s.tag) >= 0) &&
          (!s.segment || item.segs.indexOf(s.segment) >= 0);
      });
      list.textContent = "";
      shown = 0;
      showMore();
      staticList.hidden = true;
      results.hidden = false;
      summary.textContent = describe(s, matches.length);
    }, function () {
      summary.textContent = form.getAttribute("data-unavailable") ||
        "Filtering is not available right now; use the status links above.";
    });
  }

  /* Start from the address: ?q= from the search box, or a shared filter. */
  var params = new URLSearchParams(window.location.search);
  FIELDS.forEach(function (name) {
    var value = params.get(name);
    var field = form.elements[name];
    if (value === null) return;
    if (name === "status" && value === "any") value = "";
    if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) return;
    field.value = value;
  });
  var headerBox = document.getElementById("site-search-q");
  if (headerBox && params.get("q")) headerBox.value = params.get("q");

  var timer = null;
  form.addEventListener("input", function (event) {
    if (event.target.name === "q") {
      clearTimeout(timer);
      timer = setTimeout(apply, 120);
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") apply();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  form.addEventListener("reset", function () {
    setTimeout(function () {
      FIELDS.forEach(function (name) { form.elements[name].value = ""; });
      apply();
    }, 0);
  });
  more.addEventListener("click", showMore);

  if (!isPageDefault(state())) apply();
})();
