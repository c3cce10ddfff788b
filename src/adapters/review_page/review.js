/* The review page: plays the interview, lists its questions, follows it in the transcript.
   Everything the data holds is set as text (textContent), never parsed as markup. */
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const $ = (id) => document.getElementById(id);
  const video = $("video");
  const list = $("transcript-list");
  const search = $("search");
  const status = $("search-status");
  const questions = data.questions || [];
  const segments = data.segments || []; // [start, end, speaker, text], in time order
  const roles = data.speakerRoles || {};
  const CHUNK = 400; // transcript lines added per step, so a 4-hour transcript never blocks
  const FOLLOW_PAUSE_MS = 8000; // how long auto-scroll waits after the reader scrolls

  let duration = data.duration || lastTime();
  let videoOk = Boolean(data.video);
  let position = 0; // the moment shown when there is no playable video
  let rendered = 0;
  let current = -1;
  let activeQuestion = -1;
  let following = true;
  let followTimer = 0;
  let query = "";

  // --- small helpers ---------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clock(seconds) {
    const total = Math.max(0, Math.floor(seconds || 0));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, "0");
    return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  }

  function lastTime() {
    let end = 0;
    for (const s of segments) end = Math.max(end, s[1] || 0);
    for (const q of questions) end = Math.max(end, q.end || q.start || 0);
    return end;
  }

  function now() {
    return videoOk ? video.currentTime : position;
  }

  /** The index of the last item whose start is at or before `t`, or -1. */
  function lastStartedAt(starts, t) {
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle] <= t + 0.001) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** Set `node`'s text, marking where the search query occurs in it. */
  function showText(node, text) {
    const lower = text.toLowerCase();
    if (!query || lower.length !== text.length || !lower.includes(query)) {
      node.textContent = text;
      return;
    }
    node.textContent = "";
    let from = 0;
    for (let at = lower.indexOf(query); at !== -1; at = lower.indexOf(query, from)) {
      node.append(text.slice(from, at), el("mark", "", text.slice(at, at + query.length)));
      from = at + query.length;
    }
    node.append(text.slice(from));
  }

  // --- speakers --------------------------------------------------------------------------

  const speakers = new Map(); // label -> {name, colour}
  for (const label of Object.keys(roles)) speakerOf(label);
  function speakerOf(label) {
    if (label === null || label === undefined) return null;
    if (!speakers.has(label)) {
      const role = roles[label] || (["interviewer", "candidate"].includes(label) ? label : "");
      const name = role ? role[0].toUpperCase() + role.slice(1) : label;
      const known = role === "interviewer" ? 0 : role === "candidate" ? 1 : -1;
      const colour = known >= 0 ? known : 2 + (speakers.size % 5);
      speakers.set(label, { name: role && role !== label ? `${name} (${label})` : name, colour });
    }
    return speakers.get(label);
  }

  // --- questions and the timeline --------------------------------------------------------

  const questionItems = [];
  const timedQuestions = questions
    .map((q, i) => [q.start, i])
    .filter((pair) => typeof pair[0] === "number")
    .sort((a, b) => a[0] - b[0]);
  const questionStarts = timedQuestions.map((pair) => pair[0]);

  function renderQuestions() {
    const ol = $("question-list");
    $("question-count").textContent = `(${questions.length})`;
    $("no-questions").hidden = questions.length > 0;
    questions.forEach((q, i) => {
      const li = el("li");
      const timed = typeof q.start === "number";
      const play = el(timed ? "button" : "p", "q-play");
      if (timed) {
        play.type = "button";
        play.append(el("span", "q-time", clock(q.start)));
        play.addEventListener("click", () => seek(q.start, true));
      }
      const text = el("span", "q-text");
      play.append(text);
      const meta = el("p", "q-meta");
      meta.append(
        el("span", "tag", `Question ${i + 1}`),
        el("span", "tag", q.category || "general"),
        el("span", "tag", q.generic ? "generic" : "specific"),
      );
      if (!timed) meta.append(el("span", "tag", "time unknown"));
      li.append(play, meta);
      let answer = null;
      let details = null;
      if (q.answer) {
        details = el("details");
        answer = el("p");
        details.append(el("summary", "", "Suggested answer"), answer);
        li.append(details);
      }
      ol.append(li);
      questionItems.push({ li, text, answer, details, q });
      showQuestion(i);
    });
  }

  function showQuestion(i) {
    const item = questionItems[i];
    showText(item.text, item.q.question);
    if (item.answer) showText(item.answer, item.q.answer);
  }

  function renderMarkers() {
    const box = $("markers");
    box.textContent = "";
    if (!(duration > 0)) return;
    for (const [start, i] of timedQuestions) {
      const marker = el("span", "marker");
      marker.dataset.question = String(i);
      marker.style.left = `${Math.min(100, (start / duration) * 100)}%`;
      marker.title = `${clock(start)} ${questions[i].question}`;
      box.append(marker);
    }
    const timeline = $("timeline");
    timeline.setAttribute("aria-valuemax", String(Math.round(duration)));
    markActiveQuestion(true);
  }

  $("timeline").addEventListener("click", (event) => {
    const marker = event.target.closest(".marker");
    if (marker) {
      seek(questions[Number(marker.dataset.question)].start, true);
      return;
    }
    const box = event.currentTarget.getBoundingClientRect();
    if (duration > 0 && box.width > 0) seek(((event.clientX - box.left) / box.width) * duration);
  });

  function markActiveQuestion(force) {
    const found = lastStartedAt(questionStarts, now());
    const index = found >= 0 ? timedQuestions[found][1] : -1;
    if (index === activeQuestion && !force) return;
    if (activeQuestion >= 0) questionItems[activeQuestion].li.classList.remove("active");
    activeQuestion = index;
    for (const marker of $("markers").children) {
      marker.classList.toggle("active", Number(marker.dataset.question) === index);
    }
    if (index >= 0) questionItems[index].li.classList.add("active");
  }

  // --- the transcript --------------------------------------------------------------------

  const segmentStarts = segments.map((s) => s[0]);
  const lineItems = [];

  function renderLinesUpTo(count) {
    const end = Math.min(count, segments.length);
    if (end <= rendered) return;
    const fragment = document.createDocumentFragment();
    for (let i = rendered; i < end; i += 1) fragment.append(lineItem(i));
    list.append(fragment);
    rendered = end;
    if (rendered === segments.length) transcriptComplete();
  }

  function transcriptComplete() {
    performance.mark("review:transcript");
    document.documentElement.dataset.transcript = "complete";
  }

  function renderRemainingLines() {
    renderLinesUpTo(rendered + CHUNK);
    if (rendered < segments.length) setTimeout(renderRemainingLines, 0);
  }

  function lineItem(i) {
    const [start, , label, text] = segments[i];
    const speaker = speakerOf(label);
    const li = el("li", speaker ? `s${speaker.colour}` : "");
    li.dataset.index = String(i);
    const time = el("button", "seg-time", clock(start));
    time.type = "button";
    time.tabIndex = i === 0 ? 0 : -1;
    time.setAttribute("aria-label", `Play from ${clock(start)}`);
    const body = el("div");
    if (speaker) body.append(el("span", "seg-speaker", speaker.name));
    const words = el("span", "seg-text");
    body.append(words);
    li.append(time, body);
    lineItems[i] = { li, words, speaker };
    showLine(i);
    return li;
  }

  function showLine(i) {
    const item = lineItems[i];
    const text = segments[i][3] || "";
    showText(item.words, text);
    const name = item.speaker ? item.speaker.name.toLowerCase() : "";
    item.li.hidden = Boolean(query) && !text.toLowerCase().includes(query) && !name.includes(query);
  }

  list.addEventListener("click", (event) => {
    const li = event.target.closest("li");
    if (!li || String(window.getSelection()).length > 0) return;
    seek(segments[Number(li.dataset.index)][0], true);
  });

  list.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    const li = event.target.closest("li");
    if (!li) return;
    let next = event.key === "ArrowUp" ? li.previousElementSibling : li.nextElementSibling;
    while (next && next.hidden) {
      next = event.key === "ArrowUp" ? next.previousElementSibling : next.nextElementSibling;
    }
    if (next) focusLine(Number(next.dataset.index));
    event.preventDefault();
    event.stopPropagation();
  });

  function focusLine(i) {
    for (const button of list.querySelectorAll(".seg-time[tabindex='0']")) button.tabIndex = -1;
    const button = lineItems[i].li.querySelector(".seg-time");
    button.tabIndex = 0;
    button.focus();
  }

  function markCurrentLine() {
    const index = lastStartedAt(segmentStarts, now());
    if (index === current) return;
    if (current >= 0 && lineItems[current]) {
      lineItems[current].li.classList.remove("current");
      lineItems[current].li.removeAttribute("aria-current");
    }
    current = index;
    if (index < 0) return;
    renderLinesUpTo(index + 1);
    const li = lineItems[index].li;
    li.classList.add("current");
    li.setAttribute("aria-current", "true");
    if (following && !li.hidden) {
      list.scrollTop = Math.max(0, li.offsetTop - list.clientHeight / 3);
    }
  }

  // Auto-scroll pauses while the reader scrolls the transcript, and comes back after a while.
  function readerScrolled() {
    following = false;
    $("follow").hidden = false;
    clearTimeout(followTimer);
    followTimer = setTimeout(follow, FOLLOW_PAUSE_MS);
  }
  function follow() {
    following = true;
    $("follow").hidden = true;
    clearTimeout(followTimer);
    current = -1;
    markCurrentLine();
  }
  for (const kind of ["wheel", "touchmove"]) {
    list.addEventListener(kind, readerScrolled, { passive: true });
  }
  list.addEventListener("pointerdown", (event) => {
    if (event.target === list) readerScrolled(); // the scroll bar
  });
  list.addEventListener("keydown", (event) => {
    if (["PageUp", "PageDown", "Home", "End"].includes(event.key)) readerScrolled();
  });
  $("follow").addEventListener("click", follow);

  // --- playing and seeking ---------------------------------------------------------------

  /** Go to `seconds`; a jump the reader chose (not a skip) brings auto-scroll back. */
  function seek(seconds, play, jump = true) {
    const t = Math.max(0, duration > 0 ? Math.min(seconds, duration) : seconds);
    position = t;
    if (videoOk) {
      video.currentTime = t;
      if (play) video.play().catch(() => {});
    }
    if (jump && !following) follow();
    showPosition();
  }

  function skip(delta) {
    seek(now() + delta, false, false);
  }

  function togglePlay() {
    if (!videoOk) return;
    if (video.paused) video.play().catch(() => {});
    else video.pause();
  }

  function showPosition() {
    const t = now();
    $("clock").textContent = `${clock(t)} / ${clock(duration)}`;
    $("played").style.width = duration > 0 ? `${Math.min(100, (t / duration) * 100)}%` : "0";
    const timeline = $("timeline");
    timeline.setAttribute("aria-valuenow", String(Math.round(t)));
    timeline.setAttribute("aria-valuetext", `${clock(t)} of ${clock(duration)}`);
    markCurrentLine();
    markActiveQuestion(false);
  }

  function videoProblem(text) {
    videoOk = false;
    const problem = $("video-problem");
    problem.textContent = text;
    problem.hidden = false;
    video.hidden = true;
  }

  video.addEventListener("timeupdate", showPosition);
  video.addEventListener("seeked", showPosition);
  video.addEventListener("durationchange", () => {
    if (Number.isFinite(video.duration) && video.duration > 0) {
      duration = video.duration;
      renderMarkers();
      showPosition();
    }
  });
  video.addEventListener("error", () => {
    videoProblem(
      `The video could not be played: it is missing, was moved, its link has expired, or this ` +
        `browser cannot play its format (${data.video}). The questions and the transcript ` +
        `still work.`,
    );
  });

  // --- links to a moment -----------------------------------------------------------------

  function momentFromHash() {
    const match = /^#t=(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$/.exec(location.hash);
    if (!match) return null;
    const parts = [match[1], match[2], match[3]].filter((part) => part !== undefined);
    return parts.reduce((total, part) => total * 60 + Number(part), 0);
  }

  function openAtHash() {
    const t = momentFromHash();
    if (t !== null) seek(t, false);
  }

  $("copy-link").addEventListener("click", () => {
    const hash = `#t=${Math.floor(now())}`;
    history.replaceState(null, "", hash);
    const link = location.href;
    const done = (text) => {
      status.textContent = text;
    };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(link).then(
        () => done(`Link copied: ${link}`),
        () => done(`Link to this moment: ${link}`),
      );
    } else {
      done(`Link to this moment: ${link}`);
    }
  });

  // --- search ----------------------------------------------------------------------------

  let searchTimer = 0;
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(applySearch, 120);
  });

  function applySearch() {
    query = search.value.trim().toLowerCase();
    renderLinesUpTo(segments.length);
    let shownQuestions = 0;
    questionItems.forEach((item, i) => {
      const q = item.q;
      const inAnswer = Boolean(query) && (q.answer || "").toLowerCase().includes(query);
      const matches =
        !query ||
        inAnswer ||
        q.question.toLowerCase().includes(query) ||
        (q.category || "").toLowerCase().includes(query);
      item.li.hidden = !matches;
      if (item.details && query) item.details.open = inAnswer;
      showQuestion(i);
      if (matches) shownQuestions += 1;
    });
    let shownLines = 0;
    for (let i = 0; i < segments.length; i += 1) {
      showLine(i);
      if (!lineItems[i].li.hidden) shownLines += 1;
    }
    status.textContent = query
      ? `${shownQuestions} of ${questions.length} questions and ${shownLines} of ` +
        `${segments.length} transcript lines match “${search.value.trim()}”.`
      : "";
  }

  // --- keyboard --------------------------------------------------------------------------

  const keys = $("keys");
  function showKeys() {
    if (!keys.open) keys.showModal();
    $("close-keys").focus();
  }
  $("show-keys").addEventListener("click", showKeys);
  $("close-keys").addEventListener("click", () => keys.close());

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target : document.body;
    if (target.closest("input, textarea, select, [contenteditable='true']")) {
      if (event.key === "Escape" && target === search) {
        search.value = "";
        applySearch();
        search.blur();
      }
      return;
    }
    if (keys.open) return;
    const onControl = target.closest("button, summary, a, video");
    switch (event.key) {
      case " ":
        if (onControl) return;
        togglePlay();
        break;
      case "k":
        togglePlay();
        break;
      case "j":
        skip(-10);
        break;
      case "l":
        skip(10);
        break;
      case "ArrowLeft":
        if (target === video) return;
        skip(-5);
        break;
      case "ArrowRight":
        if (target === video) return;
        skip(5);
        break;
      case "Home":
        if (target.id !== "timeline") return;
        seek(0, false);
        break;
      case "End":
        if (target.id !== "timeline") return;
        seek(duration, false);
        break;
      case "/":
        search.focus();
        break;
      case "?":
        showKeys();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // --- printing: the answers open on paper -----------------------------------------------

  let closedForPrint = [];
  window.addEventListener("beforeprint", () => {
    closedForPrint = questionItems.filter((item) => item.details && !item.details.open);
    for (const item of closedForPrint) item.details.open = true;
  });
  window.addEventListener("afterprint", () => {
    for (const item of closedForPrint) item.details.open = false;
    closedForPrint = [];
  });

  // --- start -----------------------------------------------------------------------------

  if (data.note) {
    $("note").textContent = data.note;
    $("note").hidden = false;
  }
  renderQuestions();
  renderMarkers();
  $("no-segments").hidden = segments.length > 0;
  renderLinesUpTo(CHUNK);
  performance.mark("review:rendered");
  document.documentElement.dataset.rendered = "true";
  if (rendered < segments.length) setTimeout(renderRemainingLines, 0);
  else transcriptComplete();
  if (data.video) {
    video.src = data.video;
  } else {
    videoProblem("This page has no video. The questions and the transcript still work.");
  }
  openAtHash();
  showPosition();
  window.addEventListener("hashchange", openAtHash);
})();
