// RunLake web UI: one page, routed by the URL's #fragment. Everything shown comes from the store and is user input:
// it is only ever set as textContent or an attribute, never parsed as HTML.
'use strict';

const SNAPSHOT = window.RUNLAKE_SNAPSHOT || null;
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'CRASHED', 'KILLED'];

// ---- data: the live server's API, or the snapshot's data files --------------------------------------------------

/** The request as one string: endpoint, then its parameters sorted (the snapshot names its files by it). */
function apiKey(endpoint, params) {
  const keys = Object.keys(params).filter(k => params[k] != null && params[k] !== '').sort();
  return [endpoint].concat(keys.map(k => k + '=' + params[k])).join('\n');
}

/** FNV-1a over UTF-16 code units, twice with different seeds: the snapshot's data file name (Snapshot.java). */
function fileName(key) {
  const hex = seed => {
    let h = seed;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
    return (h >>> 0).toString(16).padStart(8, '0');
  };
  return 'data/' + hex(0x811c9dc5) + hex(0x9747b28c) + '.js';
}

let forceRefresh = false;

function api(endpoint, params = {}) {
  if (SNAPSHOT) {
    const key = apiKey(endpoint, params);
    window.RUNLAKE_DATA = window.RUNLAKE_DATA || {};
    if (key in window.RUNLAKE_DATA) return Promise.resolve(window.RUNLAKE_DATA[key]);
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = fileName(key);
      s.onload = () => key in window.RUNLAKE_DATA ? resolve(window.RUNLAKE_DATA[key])
        : reject(new Error('not in this snapshot: ' + key.replace(/\n/g, ' ')));
      s.onerror = () => reject(new Error('not in this snapshot (it holds each run\'s page, its curves and the '
        + 'unfiltered tables; filters need runlake ui): ' + key.replace(/\n/g, ' ')));
      document.head.appendChild(s);
    });
  }
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
  if (forceRefresh) { q.set('refresh', '1'); forceRefresh = false; }
  return fetch('api/' + endpoint + '?' + q, {credentials: 'same-origin'}).then(async r => {
    const body = await r.json().catch(() => ({error: r.status + ' ' + r.statusText}));
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  });
}

// ---- DOM helpers (text only) ---------------------------------------------------------------------------------------

/** An element with attributes and children; strings become text nodes. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'onclick' || k === 'onchange' || k === 'oninput') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

function link(hash, text) { return el('a', {href: '#/' + hash}, text); }

function route(page, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
  const s = q.toString();
  return page + (s ? '?' + s : '');
}

function statusBadge(s) { return el('span', {class: 'status ' + (STATUSES.includes(s) ? s : '')}, s || ''); }

function fmt(v) {
  if (v == null) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
  }
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => k + '=' + x).join(' ');
  return String(v);
}

function objects(table) {
  return table.rows.map(r => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])));
}

/** A plain table of rows (objects) under the given columns. */
function simpleTable(columns, rows, cell = (c, r) => fmt(r[c])) {
  return el('table', {}, el('thead', {}, el('tr', {}, columns.map(c => el('th', {}, c)))),
    el('tbody', {}, rows.map(r => el('tr', {}, columns.map(c => {
      const v = cell(c, r);
      return el('td', {class: typeof r[c] === 'number' ? 'num' : null}, v);
    })))));
}

function keyValues(obj) {
  const entries = Object.entries(obj || {});
  if (!entries.length) return el('p', {class: 'muted'}, 'none');
  return el('table', {class: 'kv'}, el('tbody', {}, entries.map(([k, v]) =>
    el('tr', {}, el('th', {}, k), el('td', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : fmt(v))))));
}

function setPage(title, crumbs, ...content) {
  document.title = title + ' · RunLake';
  const nav = document.getElementById('crumbs');
  nav.replaceChildren(...crumbs.map(([hash, text]) => hash == null ? el('span', {}, text) : link(hash, text)));
  document.getElementById('page').replaceChildren(el('h1', {}, title), ...content);
}

function showError(e) {
  document.getElementById('page').replaceChildren(el('div', {class: 'error', id: 'error'}, String(e.message || e)));
}

// ---- charts (uPlot) ------------------------------------------------------------------------------------------------

/** Exponential moving average with weight {@code w} (0: none), skipping gaps. */
function smooth(values, w) {
  if (!w) return values;
  let last = null;
  return values.map(v => v == null ? null : (last = last == null ? v : w * last + (1 - w) * v));
}

/**
 * A line chart of several series, each {label, x: [], y: []}; xLabel names the x axis; opts.log: log y,
 * opts.time: x in seconds since the epoch.
 */
function chart(title, series, xLabel, opts = {}) {
  const box = el('div', {class: 'chart'}, el('h3', {}, title));
  if (!series.length) return box;
  const data = uPlot.join(series.map(s => [s.x, s.y]));
  const plot = new uPlot({
    width: opts.width || 520, height: 260,
    scales: {x: {time: !!opts.time}, y: opts.log ? {distr: 3} : {}},
    axes: [{label: xLabel}, {}],
    series: [{label: xLabel}].concat(series.map((s, i) => ({
      label: s.label, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true, points: {show: false},
    }))),
  }, data, box);
  box.plot = plot;
  return box;
}

// ---- pages ---------------------------------------------------------------------------------------------------------

async function experimentsPage() {
  const data = await api('experiments');
  const rows = objects(data.experiments);
  setPage('Experiments', [],
    el('p', {}, link(route('models', {}), 'Registered models')),
    rows.length ? simpleTable(['experiment', 'runs', 'running', 'finished', 'failed', 'first_start', 'last_start'], rows,
      (c, r) => c === 'experiment' ? link(route('runs', {experiment: r.experiment}), r.experiment) : fmt(r[c]))
      : el('p', {class: 'muted'}, 'The store has no runs yet.'));
}

async function modelsPage(p) {
  const data = await api('models');
  const only = p.get('model');
  const models = (data.models || []).filter(m => !only || m.name === only);
  const versionsOf = name => (data.versions || []).filter(v => v.model === name);
  const aliasesOf = name => (data.aliases || []).filter(a => a.model === name);
  const historyOf = name => (data.history || []).filter(a => a.model === name);
  const sections = [];
  if ((data.problems || []).length) sections.push(el('div', {class: 'error', id: 'model-problems'},
    'Skipped as corrupt: ' + data.problems.join('; ')));
  if (!models.length) sections.push(el('p', {class: 'muted'}, 'No registered models.'));
  for (const m of models) {
    const aliases = aliasesOf(m.name).map(a => a.alias + ' → ' + a.version).join(', ');
    sections.push(el('h2', {class: 'model'}, link(route('models', {model: m.name}), m.name)),
      m.description ? el('p', {}, m.description) : null,
      el('p', {}, 'Aliases: ', el('span', {class: 'aliases'}, aliases || 'none')),
      simpleTable(['version', 'aliases', 'run', 'artifact', 'metrics', 'description', 'created_by', 'created'],
        versionsOf(m.name).slice().reverse().map(v => Object.assign({}, v, {
          aliases: aliasesOf(m.name).filter(a => a.version === v.version).map(a => a.alias).join(', '),
          artifact: v.artifact.reference ? v.artifact.uri : v.artifact.name + ' (' + (v.artifact.sha256 || '').slice(0, 12) + ')',
          metrics: v.metrics ? Object.entries(v.metrics).map(([k, x]) => k + '=' + fmt(x)).join(', ') : '',
          created: new Date(v.created_time_ms).toISOString()})),
        (c, r) => c === 'run' ? link(route('run', {id: r.run_id}), r.run_id.slice(0, 12)) : fmt(r[c])),
      el('h3', {}, 'Alias history'),
      simpleTable(['time', 'alias', 'version', 'previous_version', 'set_by', 'reason', 'condition'],
        historyOf(m.name).map(a => Object.assign({}, a, {
          time: new Date(a.time_ms).toISOString(),
          version: a.version == null ? '(removed)' : a.version,
          condition: a.condition ? a.condition.result : ''}))));
  }
  setPage(only ? 'Model ' + only : 'Models', [['', 'Experiments'], only ? [route('models', {}), 'Models'] : null,
    [null, only || 'Models']].filter(Boolean), ...sections.filter(x => x != null));
}

const runsState = {sort: null, desc: true, columns: null};

/** Rows of the runs table drawn at first, and added by each "Show more". */
const ROWS_PER_PAGE = 500;
// rows of the first, small answer a runs page draws while the whole list loads: a screenful and more
const FIRST_ROWS = 100;

async function runsPage(p) {
  const experiment = p.get('experiment') || '';
  const where = p.get('where') || '';
  if (SNAPSHOT) return drawRuns(experiment, where, await api('runs', {experiment, where}), false);
  // the first rows from a small answer, drawn at once; then every run, for sorting and paging through them all
  const first = await api('runs', {experiment, where, limit: FIRST_ROWS});
  const hash = location.hash;
  drawRuns(experiment, where, first, first.total > first.runs.rows.length);
  window.RUNLAKE_FIRST_ROWS_AT_MS = Math.round(performance.now()); // since the page was opened (BENCHMARKS.md)
  if (first.total <= first.runs.rows.length) return;
  const whole = await api('runs', {experiment, where});
  if (location.hash === hash) drawRuns(experiment, where, whole, false);
}

/** The runs table of {@code data}; {@code partial}: only its first rows have arrived, the rest are loading. */
function drawRuns(experiment, where, data, partial) {
  const runs = objects(data.runs);
  const metrics = data.metrics || {};
  const varying = data.paramOrder.filter(k => !data.constantParams.includes(k));
  const all = ['name', 'status', 'start_time', 'duration_s', 'user', 'error']
    .concat(data.paramOrder.map(k => 'params.' + k), data.metricKeys.map(k => 'metrics.' + k),
      ['tags', 'run_id', 'host', 'code_version', 'end_time']);
  const stored = JSON.parse(localStorage.getItem('runlake.columns.' + experiment) || 'null');
  const shown = new Set(stored || ['name', 'status', 'start_time', 'duration_s']
    .concat(runs.some(r => r.error) ? ['error'] : [],
      varying.map(k => 'params.' + k), data.metricKeys.slice(0, 4).map(k => 'metrics.' + k)));
  const value = (r, c) => c.startsWith('params.') ? r.params[c.slice(7)]
    : c.startsWith('metrics.') ? (metrics[r.run_id] || {})[c.slice(8)] : r[c];

  const filter = el('input', {type: 'text', id: 'where', value: where,
    placeholder: "SQL filter, e.g. params.lr < 0.01 and status = 'FINISHED'"});
  const apply = () => { location.hash = '#/' + route('runs', {experiment, where: filter.value}); };
  filter.addEventListener('keydown', e => { if (e.key === 'Enter') apply(); });
  const selected = new Set();
  const compare = el('button', {type: 'button', id: 'compare', onclick: () => {
    if (selected.size) location.hash = '#/' + route('compare', {runs: [...selected].join(',')});
  }}, 'Compare selected');
  const grouped = el('input', {type: 'checkbox', id: 'group', checked: true});
  const count = el('span', {class: 'muted', id: 'count'});
  const picker = el('details', {class: 'picker'}, el('summary', {}, 'Columns'), all.map(c => {
    const box = el('input', {type: 'checkbox', checked: shown.has(c), 'data-column': c, onchange: () => {
      box.checked ? shown.add(c) : shown.delete(c);
      localStorage.setItem('runlake.columns.' + experiment, JSON.stringify([...shown]));
      render();
    }});
    return el('label', {}, box, ' ' + c);
  }));
  const holder = el('div', {});
  let shownRows = ROWS_PER_PAGE;

  function ordered() {
    let list = runs.slice();
    if (runsState.sort) {
      const c = runsState.sort, dir = runsState.desc ? -1 : 1;
      list.sort((a, b) => {
        const x = value(a, c), y = value(b, c);
        if (x == null) return y == null ? 0 : 1;
        if (y == null) return -1;
        const nx = Number(x), ny = Number(y);
        return dir * (!isNaN(nx) && !isNaN(ny) ? nx - ny : String(x).localeCompare(String(y)));
      });
    }
    if (!grouped.checked) return list.map(r => [r, 0]);
    // children right after their parent (when the parent is listed), indented
    const ids = new Set(list.map(r => r.run_id));
    const kids = new Map();
    for (const r of list) if (r.parent_run_id && ids.has(r.parent_run_id)) {
      if (!kids.has(r.parent_run_id)) kids.set(r.parent_run_id, []);
      kids.get(r.parent_run_id).push(r);
    }
    const out = [];
    const add = (r, depth) => { out.push([r, depth]); for (const k of kids.get(r.run_id) || []) add(k, depth + 1); };
    for (const r of list) if (!(r.parent_run_id && ids.has(r.parent_run_id))) add(r, 0);
    return out;
  }

  function render() {
    const started = performance.now();
    const cols = all.filter(c => shown.has(c));
    const head = el('tr', {}, el('th', {}, ''), cols.map(c => el('th', {'data-column': c, onclick: () => {
      runsState.desc = runsState.sort === c ? !runsState.desc : false;
      runsState.sort = c;
      render();
    }}, c + (runsState.sort === c ? (runsState.desc ? ' ▼' : ' ▲') : ''))));
    const body = document.createElement('tbody');
    const list = ordered();
    // draw the first rows only (sorting and filtering still see every run): a 10,000-row table takes seconds to lay out
    for (const [r, depth] of list.slice(0, shownRows)) {
      const tr = document.createElement('tr');
      tr.dataset.run = r.run_id;
      const box = el('input', {type: 'checkbox', checked: selected.has(r.run_id), onchange: () => {
        box.checked ? selected.add(r.run_id) : selected.delete(r.run_id);
      }});
      tr.append(el('td', {}, box));
      for (const c of cols) {
        const td = document.createElement('td');
        const v = value(r, c);
        if (c === 'name') {
          td.append(link(route('run', {id: r.run_id}), r.name || r.run_id.slice(0, 10)));
          if ((r.tags || {})['sweep.role'] === 'parent') td.append(' ', sweepLink(r.experiment, r.tags, 'sweep'));
          if (depth) td.className = 'child';
        } else if (c === 'status') td.append(statusBadge(v));
        else {
          td.textContent = fmt(v);
          if (typeof v === 'number') td.className = 'num';
        }
        tr.append(td);
      }
      body.append(tr);
    }
    count.textContent = partial ? 'showing the first ' + runs.length + ' of ' + data.total + ' runs (loading the rest…)'
      : (list.length > shownRows ? 'showing ' + shownRows + ' of ' : '') + runs.length + ' runs';
    holder.dataset.partial = partial;
    const more = list.length > shownRows
      ? el('button', {type: 'button', id: 'more', onclick: () => { shownRows += ROWS_PER_PAGE; render(); }},
        'Show ' + Math.min(ROWS_PER_PAGE, list.length - shownRows) + ' more')
      : null;
    holder.replaceChildren(el('table', {id: 'runs'}, el('thead', {}, head), body), ...(more ? [more] : []));
    // how long drawing took, layout included (BENCHMARKS.md: 10,000 runs)
    if (holder.isConnected) void holder.offsetHeight;
    window.RUNLAKE_LAST_RENDER_MS = Math.round(performance.now() - started);
    window.RUNLAKE_TABLE_SHOWN_AT_MS = Math.round(performance.now()); // since the page was opened (fetch included)
  }
  grouped.addEventListener('change', render);
  setPage(experiment ? 'Runs of ' + experiment : 'All runs', [['', 'Experiments'], [null, experiment]],
    el('div', {class: 'toolbar'}, filter, el('button', {type: 'button', onclick: apply}, 'Filter'),
      el('label', {}, grouped, ' group children under parents'), compare,
      experiment ? link(route('leaderboard', {experiment}), 'Leaderboard') : null,
      experiment ? link(route('parallel', {experiment}), 'Parallel coordinates') : null, count),
    picker, holder);
  render();
}

async function runPage(p) {
  const data = await api('run', {id: p.get('id')});
  const run = data.run, lin = data.lineage || {};
  const metrics = objects(data.metrics);
  const charts = el('div', {class: 'charts', id: 'charts'});
  const sections = [
    el('p', {}, statusBadge(run.status), ' ', el('code', {}, run.run_id)),
    run.error ? el('div', {class: 'error', id: 'run-error'}, run.error) : null,
    run.archived ? el('p', {class: 'muted', id: 'run-archived'}, 'archived (hidden from the runs table and leaderboards)') : null,
    // the run's note (FORMAT.md §8.4), Markdown shown as its text: nothing from the store becomes HTML
    run.note ? el('pre', {class: 'note', id: 'run-note'}, run.note) : null,
    keyValues({experiment: run.experiment, parent_run_id: run.parent_run_id, user: run.user, host: run.host,
      start_time: run.start_time, end_time: run.end_time, duration_s: run.duration_s, code_version: run.code_version}),
    run.parent_run_id ? el('p', {}, 'Parent: ', link(route('run', {id: run.parent_run_id}), run.parent_run_id)) : null,
    sweepLink(run.experiment, run.tags),
    el('h2', {}, 'Params'), keyValues(run.params),
    el('h2', {}, 'Tags'), keyValues(run.tags),
    el('h2', {}, 'Metrics'),
    metrics.length ? simpleTable(['key', 'last_value', 'min_value', 'max_value', 'last_step', 'points'], metrics)
      : el('p', {class: 'muted'}, 'none'),
    charts,
  ];
  const children = objects(data.children);
  if (children.length) sections.push(el('h2', {}, 'Child runs'), simpleTable(['name', 'status', 'run_id'], children,
    (c, r) => c === 'name' ? link(route('run', {id: r.run_id}), r.name || r.run_id) : c === 'status' ? statusBadge(r.status) : fmt(r[c])));
  sections.push(el('h2', {}, 'Artifacts'));
  const artifacts = objects(data.artifacts);
  sections.push(artifacts.length ? simpleTable(['name', 'size', 'sha256', 'time', 'download'], artifacts, (c, r) => {
    if (c !== 'download') return fmt(r[c]);
    if (r.reference) return r.uri;
    // the snapshot lies at reports/ui/<version>/ in the store: blobs are three folders up
    const href = SNAPSHOT ? '../../../' + r.uri : 'api/artifact?' + new URLSearchParams({run: run.run_id, name: r.name});
    return el('a', {href, download: r.name.split('/').pop()}, 'download');
  }) : el('p', {class: 'muted'}, 'none'));
  sections.push(el('h2', {}, 'Inputs'));
  const inputs = objects(data.inputs);
  sections.push(inputs.length ? simpleTable(['name', 'role', 'uri', 'checksum', 'size'], inputs) : el('p', {class: 'muted'}, 'none'));
  const code = Object.assign({}, lin.code || {});
  const diff = code.diff;
  delete code.diff;
  sections.push(el('h2', {}, 'Code version'), keyValues(code));
  if (diff) sections.push(el('pre', {class: 'diff'}, diff));
  sections.push(el('h2', {}, 'Environment'), keyValues(lin.environment));
  sections.push(el('h2', {}, 'Lineage'), el('p', {}, link(route('lineage', {id: run.run_id}), 'artifacts, inputs and parent as lineage')));
  setPage(run.name || run.run_id, [['', 'Experiments'], [route('runs', {experiment: run.experiment}), run.experiment],
    [null, run.name || run.run_id]], ...sections);
  for (const m of metrics) {
    const h = await api('history', {run: run.run_id, key: m.key});
    charts.append(chart(m.key + (h.totalPoints > h.step.length ? ' (' + h.step.length + ' of ' + h.totalPoints + ' points)' : ''),
      [{label: m.key, x: h.step, y: h.value}], 'step'));
  }
}

async function lineagePage(p) {
  const data = await api('run', {id: p.get('id')});
  const lin = data.lineage || {};
  setPage('Lineage of ' + (data.run.name || data.run.run_id), [['', 'Experiments'],
    [route('run', {id: data.run.run_id}), data.run.name || data.run.run_id], [null, 'lineage']],
  el('h2', {}, 'Parent'), keyValues(lin.parent), el('h2', {}, 'Inputs (data it read)'),
  simpleTable(['name', 'role', 'uri', 'sha256', 'etag'], lin.inputs || []),
  el('h2', {}, 'Artifacts (what it produced)'), simpleTable(['name', 'sha256', 'size', 'uri'], lin.artifacts || []));
}

async function comparePage(p) {
  const ids = (p.get('runs') || '').split(',').filter(Boolean);
  const runs = await Promise.all(ids.map(id => api('run', {id})));
  const keys = [...new Set(runs.flatMap(r => objects(r.metrics).map(m => m.key)))];
  const chosen = (p.get('metrics') || keys.slice(0, 2).join(',')).split(',').filter(k => keys.includes(k));
  const names = runs.map(r => r.run.name || r.run.run_id.slice(0, 10));
  // params: the ones that differ first (as the runs table)
  const params = [...new Set(runs.flatMap(r => Object.keys(r.run.params)))].sort();
  const differs = k => new Set(runs.map(r => r.run.params[k] ?? '\u0000')).size > 1;
  const onlyDiff = el('input', {type: 'checkbox', id: 'only-diff', checked: true});
  const paramTable = el('div', {});
  const renderParams = () => {
    const list = params.filter(differs).concat(onlyDiff.checked ? [] : params.filter(k => !differs(k)));
    paramTable.replaceChildren(el('table', {id: 'param-diff'},
      el('thead', {}, el('tr', {}, el('th', {}, 'param'), names.map(n => el('th', {}, n)))),
      el('tbody', {}, list.map(k => el('tr', {class: differs(k) ? 'differs' : null}, el('th', {}, k),
        runs.map(r => el('td', {}, fmt(r.run.params[k]))))))));
  };
  onlyDiff.addEventListener('change', renderParams);
  renderParams();
  const controls = {
    smoothing: el('input', {type: 'range', id: 'smoothing', min: 0, max: 0.99, step: 0.01, value: p.get('smooth') || 0}),
    log: el('input', {type: 'checkbox', id: 'logy', checked: p.get('log') === '1'}),
    x: el('select', {id: 'xaxis'}, ['step', 'wall', 'relative'].map(x => el('option', {value: x, selected: p.get('x') === x}, x))),
  };
  const metricPicker = el('details', {class: 'picker', open: true}, el('summary', {}, 'Metrics'), keys.map(k => {
    const box = el('input', {type: 'checkbox', 'data-metric': k, checked: chosen.includes(k), onchange: () => {
      box.checked ? chosen.push(k) : chosen.splice(chosen.indexOf(k), 1);
      drawCharts();
    }});
    return el('label', {}, box, ' ' + k);
  }));
  const charts = el('div', {class: 'charts', id: 'charts'});
  const histories = {};
  async function drawCharts() {
    const out = [];
    for (const key of chosen) {
      const series = [];
      for (let i = 0; i < runs.length; i++) {
        const id = runs[i].run.run_id;
        if (!objects(runs[i].metrics).some(m => m.key === key)) continue;
        const h = histories[id + '\n' + key] || (histories[id + '\n' + key] = await api('history', {run: id, key}));
        const mode = controls.x.value;
        const x = mode === 'step' ? h.step : mode === 'wall' ? h.time.map(t => t / 1000) : h.time.map(t => (t - h.time[0]) / 1000);
        series.push({label: names[i], x, y: smooth(h.value, Number(controls.smoothing.value))});
      }
      out.push(chart(key, series, {step: 'step', wall: 'time', relative: 'seconds since start'}[controls.x.value],
        {log: controls.log.checked, time: controls.x.value === 'wall', width: 640}));
    }
    charts.replaceChildren(...out);
  }
  for (const c of Object.values(controls)) c.addEventListener('change', drawCharts);
  controls.smoothing.addEventListener('input', drawCharts);
  setPage('Compare ' + runs.length + ' runs', [['', 'Experiments'], runs.length ? [route('runs', {experiment: runs[0].run.experiment}), runs[0].run.experiment] : [null, ''], [null, 'compare']],
    el('table', {}, el('tbody', {}, el('tr', {}, el('th', {}, 'run'), runs.map((r, i) =>
      el('td', {}, el('span', {style: 'color:' + PALETTE[i % PALETTE.length]}, '■ '), link(route('run', {id: r.run.run_id}), names[i]), ' ', statusBadge(r.run.status)))))),
    el('h2', {}, 'Params'), el('label', {}, onlyDiff, ' only the params that differ'), paramTable,
    el('h2', {}, 'Curves'),
    el('div', {class: 'toolbar'}, el('label', {}, 'smoothing ', controls.smoothing), el('label', {}, controls.log, ' log y'),
      el('label', {}, 'x ', controls.x)), metricPicker, charts);
  await drawCharts();
}

/** The metric a page ranks by when none is named: one with "loss" in its name, else "acc", else the first. */
function defaultMetric(keys) {
  return keys.find(k => /loss/i.test(k)) || keys.find(k => /acc/i.test(k)) || keys[0];
}

async function metricChoice(experiment, p, page) {
  const runs = await api('runs', {experiment});
  const keys = runs.metricKeys;
  const metric = p.get('metric') || defaultMetric(keys);
  const select = el('select', {id: 'metric', onchange: () => {
    location.hash = '#/' + route(page, {experiment, metric: select.value});
  }}, keys.map(k => el('option', {value: k, selected: k === metric}, k)));
  return {metric, select, keys};
}

async function leaderboardPage(p) {
  const experiment = p.get('experiment');
  const {metric, select} = await metricChoice(experiment, p, 'leaderboard');
  const crumbs = [['', 'Experiments'], [route('runs', {experiment}), experiment], [null, 'leaderboard']];
  if (!metric) return setPage('Leaderboard of ' + experiment, crumbs, el('p', {class: 'muted'}, 'No metrics.'));
  const board = await api('leaderboard', {experiment, metric});
  const params = [...new Set(board.leaders.flatMap(l => Object.keys(l.params || {})))];
  setPage('Leaderboard of ' + experiment, crumbs,
    el('div', {class: 'toolbar'}, el('label', {}, 'metric ', select),
      el('span', {class: 'muted'}, board.direction + ' · ' + board.runs_ranked + ' of ' + board.runs_total
        + ' runs ranked (FAILED runs are not ranked)')),
    simpleTable(['rank', 'name', 'status', 'value', 'best', 'step'].concat(params), board.leaders.map(l => Object.assign({}, l.params, l)),
      (c, r) => c === 'name' ? link(route('run', {id: r.run_id}), r.name || r.run_id) : c === 'status' ? statusBadge(r.status) : fmt(r[c])));
}

/** Parallel coordinates: one vertical axis per varying param and one for the metric, one line per ranked run. */
async function parallelPage(p) {
  const experiment = p.get('experiment');
  const {metric, select} = await metricChoice(experiment, p, 'parallel');
  const crumbs = [['', 'Experiments'], [route('runs', {experiment}), experiment], [null, 'parallel coordinates']];
  if (!metric) return setPage('Parallel coordinates', crumbs, el('p', {class: 'muted'}, 'No metrics.'));
  const board = await api('leaderboard', {experiment, metric});
  const leaders = board.leaders;
  const params = [...new Set(leaders.flatMap(l => Object.keys(l.params || {})))]
    .filter(k => new Set(leaders.map(l => (l.params || {})[k])).size > 1);
  const axes = params.map(k => ({name: k, get: l => (l.params || {})[k]})).concat([{name: metric, get: l => l.value}]);
  const W = Math.max(500, 140 * axes.length), H = 360, top = 30, bottom = 30;
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'parallel');
  svg.setAttribute('width', W);
  svg.setAttribute('height', H);
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text != null) e.textContent = text;
    svg.append(e);
    return e;
  };
  const scales = axes.map(a => {
    const vals = leaders.map(a.get);
    const numeric = vals.every(v => v == null || !isNaN(Number(v)));
    if (numeric) {
      const nums = vals.filter(v => v != null).map(Number);
      const lo = Math.min(...nums), hi = Math.max(...nums);
      return {label: v => fmt(v), pos: v => v == null ? null : hi === lo ? 0.5 : (Number(v) - lo) / (hi - lo), ticks: [lo, hi]};
    }
    const cats = [...new Set(vals.map(String))].sort();
    return {pos: v => cats.length < 2 ? 0.5 : cats.indexOf(String(v)) / (cats.length - 1), ticks: cats};
  });
  const x = i => 60 + i * (W - 120) / Math.max(1, axes.length - 1);
  const y = t => H - bottom - t * (H - top - bottom);
  axes.forEach((a, i) => {
    add('line', {x1: x(i), x2: x(i), y1: top, y2: H - bottom, stroke: '#888'});
    add('text', {x: x(i), y: 16, 'text-anchor': 'middle'}, a.name);
    for (const t of scales[i].ticks) add('text', {x: x(i) + 4, y: y(scales[i].pos(t)) + 4}, fmt(t));
  });
  leaders.forEach((l, n) => {
    const pts = axes.map((a, i) => [x(i), scales[i].pos(a.get(l))]).filter(q => q[1] != null).map(q => q[0] + ',' + y(q[1]));
    const t = leaders.length < 2 ? 0 : n / (leaders.length - 1); // best first: dark to light
    const line = add('polyline', {class: 'line', points: pts.join(' '), stroke: `hsl(${210 - 170 * t}, 70%, ${35 + 20 * t}%)`});
    const title = document.createElementNS(NS, 'title');
    title.textContent = (l.name || l.run_id) + ': ' + fmt(l.value);
    line.append(title);
  });
  setPage('Parallel coordinates of ' + experiment, crumbs,
    el('div', {class: 'toolbar'}, el('label', {}, 'metric ', select),
      el('span', {class: 'muted'}, leaders.length + ' ranked runs; best ' + board.direction + ' is darkest')), svg);
}

// ---- sweeps (FORMAT.md §9.5) ---------------------------------------------------------------------------------

/** A link to the sweep page of a run that is part of a sweep (its tags say so); null otherwise. */
function sweepLink(experiment, tags, text) {
  const name = (tags || {})['sweep.name'];
  if (!name) return null;
  const a = link(route('sweep', {experiment, name}), text || 'Sweep ' + name);
  a.className = 'sweep-link';
  return text ? a : el('p', {}, a);
}

async function sweepPage(p) {
  const data = await api('sweep', {experiment: p.get('experiment') || '', name: p.get('name')});
  const attempts = objects(data.attempts), trials = objects(data.trials);
  const last = attempts[attempts.length - 1];
  let method = {};
  try { method = JSON.parse(last.method || '{}'); } catch (e) { /* shown as text below */ }
  const objective = method.objective;
  const counts = {};
  for (const t of trials) counts[t.pruned ? 'pruned' : t.status] = (counts[t.pruned ? 'pruned' : t.status] || 0) + 1;
  const paramKeys = [...new Set(trials.flatMap(t => Object.keys(t.params || {})))].sort();
  const best = last.best_run;
  const rows = trials.map(t => Object.assign({}, t, Object.fromEntries(paramKeys.map(k => ['params.' + k, (t.params || {})[k]]))));
  const columns = ['trial', 'name', 'status', 'pruned', 'rung', 'value'].concat(paramKeys.map(k => 'params.' + k));
  const table = simpleTable(columns, rows, (c, r) => {
    if (c === 'name') return link(route('run', {id: r.run_id}), r.name || r.run_id.slice(0, 10));
    if (c === 'status') return statusBadge(r.status);
    if (c === 'pruned') return r.pruned ? el('span', {class: 'pruned'}, 'pruned') : '';
    return fmt(r[c]);
  });
  table.id = 'trials';
  table.querySelectorAll('tbody tr').forEach((tr, i) => { if (rows[i].run_id === best) tr.className = 'best'; });
  const charts = el('div', {class: 'charts', id: 'charts'});
  setPage('Sweep ' + data.name, [['', 'Experiments'], [route('runs', {experiment: data.experiment}), data.experiment],
    [null, 'sweep ' + data.name]],
    keyValues({sampler: method.sampler, objective, direction: method.direction, pruner: method.pruner,
      trials: trials.length, attempts: attempts.length}),
    el('p', {id: 'sweep-counts'}, Object.entries(counts).map(([k, n]) => n + ' ' + k).join(', ')),
    best ? el('p', {id: 'sweep-best'}, 'Best: trial ' + last.best_trial + ', ', link(route('run', {id: best}),
      (trials.find(t => t.run_id === best) || {}).name || best), ', value ' + fmt(Number(last.best_value))) : null,
    el('h2', {}, 'Attempts'), simpleTable(['run_id', 'status'], attempts, (c, r) =>
      c === 'run_id' ? link(route('run', {id: r.run_id}), r.run_id) : c === 'status' ? statusBadge(r.status) : fmt(r[c])),
    el('h2', {}, 'Trials'), table,
    objective ? el('h2', {}, 'Curves of ' + objective) : null, charts);
  if (!objective) return;
  // each trial's objective against its step, as on the compare page
  const series = [];
  for (const t of trials) {
    try {
      const h = await api('history', {run: t.run_id, key: objective});
      series.push({label: (t.name || t.run_id.slice(0, 10)) + (t.pruned ? ' (pruned)' : ''), x: h.step, y: h.value});
    } catch (e) { /* a trial that logged nothing yet has no curve */ }
  }
  if (series.length) charts.replaceChildren(chart(objective, series, 'step', {width: 800}));
}

// ---- routing -------------------------------------------------------------------------------------------------------

const PAGES = {'': experimentsPage, runs: runsPage, run: runPage, compare: comparePage, leaderboard: leaderboardPage,
  parallel: parallelPage, lineage: lineagePage, models: modelsPage, sweep: sweepPage};

async function show() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [page, query] = hash.split('?');
  const handler = PAGES[page] || experimentsPage;
  document.body.dataset.loading = 'true';
  try {
    await handler(new URLSearchParams(query || ''));
  } catch (e) {
    showError(e);
  } finally {
    document.body.dataset.loading = 'false';
  }
}

document.getElementById('mode').textContent = SNAPSHOT
  ? 'snapshot of ' + SNAPSHOT.store + ' taken ' + SNAPSHOT.generatedAt : 'live';
document.getElementById('refresh').hidden = !!SNAPSHOT;
document.getElementById('refresh').addEventListener('click', () => { forceRefresh = true; show(); });
window.addEventListener('hashchange', show);
show();
