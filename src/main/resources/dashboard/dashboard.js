// The taskstream dashboard: polls the service's own JSON API and redraws. No external requests
// (the page's Content-Security-Policy forbids them); text from instructions is only ever set as
// textContent, never as HTML.
'use strict';

const TOP_TASKS = 8;
const HISTORY_WINDOWS = 30;
const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1',
  '#ff9da7', '#9c755f', '#bab0ac'];

const state = { updates: 0, errors: [], points: {}, info: null };
window.taskstream = state;

// A service bound beyond loopback serves prompt text only with its token: open the dashboard as
// http://host:8080/#token=TOKEN once; the token stays in this tab's session storage, off the URL.
const TOKEN = (() => {
  const match = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem('taskstream-token', decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem('taskstream-token');
})();

async function getJson(url) {
  const headers = { Accept: 'application/json' };
  if (TOKEN) {
    headers.Authorization = 'Bearer ' + TOKEN;
  }
  const response = await fetch(url, { headers });
  if (!response.ok) {
    throw new Error(url + ' answered ' + response.status);
  }
  return response.json();
}

function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

function chart(id, config) {
  config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: true },
    config.options || {});
  return new Chart(document.getElementById(id), config);
}

const charts = {};

function makeCharts() {
  charts.volume = chart('volume', {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      scales: { y: { stacked: true, beginAtZero: true, title: { display: true, text: 'instructions' } } },
      elements: { point: { radius: 0 }, line: { tension: 0.2 } },
      plugins: { legend: { position: 'right' } },
    },
  });
  charts.mix = chart('mix', {
    type: 'doughnut',
    data: { labels: [], datasets: [{ data: [], backgroundColor: COLORS }] },
    options: { plugins: { legend: { position: 'right' } } },
  });
  charts.novelty = chart('novelty', {
    type: 'line',
    data: { labels: [], datasets: [{ label: 'novel share', data: [], borderColor: '#e15759' }] },
    options: { scales: { y: { min: 0, max: 1 } } },
  });
  charts.drift = chart('drift', {
    type: 'line',
    data: { labels: [], datasets: [{ label: 'JSD', data: [], borderColor: '#4e79a7',
      pointBackgroundColor: [], pointRadius: [] }] },
    options: { scales: { y: { min: 0, max: 1 } } },
  });
}

// With hundreds of fine tasks a chart of the top few is mostly "other": grouped by verb (the
// first verb of a task key, `correct|mistake##fix|error` → `correct`) the same counts say more.
function groupKey(task) {
  if (document.getElementById('group').value !== 'verb') {
    return task;
  }
  const bar = task.indexOf('|');
  return bar > 0 ? task.substring(0, bar) : task;
}

function grouped(rows) {
  const out = new Map();
  for (const r of rows) {
    const task = groupKey(r.task);
    const key = r.windowStart + ' ' + task;
    const g = out.get(key) || { windowStart: r.windowStart, task, count: 0, novelCount: 0 };
    g.count += r.count;
    g.novelCount += r.novelCount;
    out.set(key, g);
  }
  return [...out.values()];
}

function byWindow(rows) {
  const windows = new Map();
  for (const row of grouped(rows)) {
    if (!windows.has(row.windowStart)) {
      windows.set(row.windowStart, []);
    }
    windows.get(row.windowStart).push(row);
  }
  return new Map([...windows.entries()].sort((a, b) => a[0] - b[0]));
}

function drawVolume(windows) {
  const totals = new Map();
  for (const rows of windows.values()) {
    for (const r of rows) {
      totals.set(r.task, (totals.get(r.task) || 0) + r.count);
    }
  }
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_TASKS).map(e => e[0]);
  const starts = [...windows.keys()];
  const series = (pick) => starts.map(start => windows.get(start).filter(pick)
    .reduce((sum, r) => sum + r.count, 0));
  const datasets = top.map((task, i) => ({
    label: task, data: series(r => r.task === task), fill: true,
    borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length] + '99',
  }));
  datasets.push({ label: 'other', data: series(r => !top.includes(r.task)), fill: true,
    borderColor: '#bab0ac', backgroundColor: '#bab0ac99' });
  charts.volume.data.labels = starts.map(time);
  charts.volume.data.datasets = datasets;
  charts.volume.update();
  state.points.volume = starts.length;
}

function drawMix(windows) {
  const starts = [...windows.keys()];
  const latest = starts.length ? windows.get(starts[starts.length - 1]) : [];
  const rows = [...latest].sort((a, b) => b.count - a.count).slice(0, COLORS.length);
  charts.mix.data.labels = rows.map(r => r.task);
  charts.mix.data.datasets[0].data = rows.map(r => r.count);
  charts.mix.update();
  document.getElementById('mix-window').textContent =
    starts.length ? '(window from ' + time(starts[starts.length - 1]) + ')' : '';
  state.points.mix = rows.length;
}

function drawNovelty(windows) {
  const starts = [...windows.keys()];
  charts.novelty.data.labels = starts.map(time);
  charts.novelty.data.datasets[0].data = starts.map(start => {
    const rows = windows.get(start);
    const count = rows.reduce((s, r) => s + r.count, 0);
    return count ? rows.reduce((s, r) => s + r.novelCount, 0) / count : 0;
  });
  charts.novelty.update();
  state.points.novelty = starts.length;
}

function drawDrift(reports) {
  const ordered = [...reports].sort((a, b) => a.windowStart - b.windowStart);
  const ds = charts.drift.data.datasets[0];
  charts.drift.data.labels = ordered.map(r => time(r.windowStart));
  ds.data = ordered.map(r => r.jsd);
  ds.pointBackgroundColor = ordered.map(r => (r.alert ? '#b3261e' : '#4e79a7'));
  ds.pointRadius = ordered.map(r => (r.alert ? 6 : 2));
  charts.drift.update();
  const list = document.getElementById('alerts');
  list.replaceChildren(...ordered.filter(r => r.alert).slice(-5).reverse().map(r => {
    const li = document.createElement('li');
    const movers = r.topMovers.slice(0, 3)
      .map(m => m.task + ' ' + (m.change >= 0 ? '+' : '') + (100 * m.change).toFixed(1) + '%');
    li.textContent = time(r.windowStart) + ': ' + r.reasons.join('; ') + ' — ' + movers.join(', ');
    return li;
  }));
  state.points.drift = ordered.length;
}

function drawNovel(items) {
  const body = document.querySelector('#novel tbody');
  body.replaceChildren(...items.map(n => {
    const tr = document.createElement('tr');
    for (const [text, cls] of [[time(n.processedAt)], [n.novelty.toFixed(2)], [n.task],
      [n.text, 'text']]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) {
        td.className = cls;
      }
      tr.appendChild(td);
    }
    return tr;
  }));
  state.points.novel = items.length;
}

function drawEmerging(items) {
  const body = document.querySelector('#emerging tbody');
  body.replaceChildren(...items.map(c => {
    const tr = document.createElement('tr');
    const proposed = c.knownTask
      ? 'known task ' + c.knownTask + ', new phrasing'
      : (c.proposedKey || '?') + (c.promotedAs ? ' → promoted as ' + c.promotedAs : '');
    const nearest = c.nearestTasks.map(n => n.task + ' ' + n.similarity.toFixed(2)).join(', ');
    for (const [text, cls] of [[c.id], [proposed], [c.size + (c.distinctSupport ? ' (' + c.distinctSupport + ' distinct)' : '')], [c.cohesion.toFixed(2)],
      [time(c.lastSeen)], [nearest], [c.exemplars.slice(0, 3).join(' · '), 'text']]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) {
        td.className = cls;
      }
      tr.appendChild(td);
    }
    return tr;
  }));
  state.points.emerging = items.length;
}

/** Emerging tasks are optional (discovery may be off): their absence is not an error. */
async function emerging() {
  if (!state.info.discovery) {
    return { items: [] };
  }
  try {
    return await getJson('/api/emerging?limit=10');
  } catch (e) {
    return { items: [] };
  }
}

async function refresh() {
  const select = document.getElementById('window');
  const label = select.value;
  const size = state.info.windowSizesMs[label];
  const from = Date.now() - HISTORY_WINDOWS * size;
  try {
    const [stats, drift, novel, emergingTasks, info] = await Promise.all([
      getJson('/api/stats?window=' + encodeURIComponent(label) + '&from=' + from),
      getJson('/api/drift?window=' + encodeURIComponent(label) + '&limit=' + HISTORY_WINDOWS),
      getJson('/api/novel?limit=15'),
      emerging(),
      getJson('/api/info'),
    ]);
    state.info = Object.assign(state.info, { taxonomyVersion: info.taxonomyVersion, tasks: info.tasks });
    drawEmerging(emergingTasks.items);
    const windows = byWindow(stats.items);
    drawVolume(windows);
    drawMix(windows);
    drawNovelty(windows);
    drawDrift(drift.items);
    drawNovel(novel.items);
    state.updates++;
    const total = stats.items.reduce((s, r) => s + r.count, 0);
    document.getElementById('status').textContent = state.info.model + ' · taxonomy '
      + state.info.taxonomyVersion + ' (' + state.info.tasks + ' tasks) · ' + total
      + ' instructions in the last ' + HISTORY_WINDOWS + ' windows · updated ' + time(Date.now())
      + (stats.missing.length ? ' · not answering: ' + stats.missing.join(', ') : '');
  } catch (e) {
    state.errors.push(String(e));
    document.getElementById('status').textContent = 'waiting for the service: ' + e.message;
  }
}

async function start() {
  const refreshMs = Number(document.body.dataset.refreshMs) || 5000;
  state.info = await getJson('/api/info');
  const select = document.getElementById('window');
  for (const w of state.info.windows) {
    const option = document.createElement('option');
    option.value = w;
    option.textContent = w;
    select.appendChild(option);
  }
  select.addEventListener('change', refresh);
  document.getElementById('group').addEventListener('change', refresh);
  // Fine tasks by default only when there are few of them.
  document.getElementById('group').value = state.info.tasks > 2 * TOP_TASKS ? 'verb' : 'task';
  document.getElementById('emerging-section').hidden = !state.info.discovery;
  makeCharts();
  await refresh();
  setInterval(refresh, refreshMs);
}

document.addEventListener('DOMContentLoaded', () => {
  start().catch(e => {
    state.errors.push(String(e));
    document.getElementById('status').textContent = 'cannot start: ' + e.message;
  });
});
