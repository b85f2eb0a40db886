// groundct study viewer: NiiVue (served locally) shows the CT with the mask layers overlaid; the report sits
// beside it. Clicking a sentence highlights its evidence masks (the sentence's `evidence`, or the evidence of
// the findings it states) and moves the crosshair to its slice. A follow-up study (one uploaded with
// priorStudyId) shows its most recent prior in a second panel: a change sentence's evidence marked
// `study: 'prior-1'` is highlighted there, on the prior's own grid, and the rest on the current study. Everything is fetched from /v1 with the
// user's bearer token, kept in sessionStorage (this tab only); a `#token=...` fragment is accepted once and
// removed from the address bar (fragments are never sent to servers or written to their logs).
// Test hook: window.groundctViewer holds the viewer state (sliceIndex, ijk, highlightedLabels, ..., and `prior`).
/* global niivue */
'use strict';

(function () {
  const TOKEN_KEY = 'groundct.token';
  const state = {
    ready: false,
    studyId: null,
    error: null,
    /** Axial slice index (k of the CT grid) under the crosshair, read back from NiiVue. */
    sliceIndex: null,
    /** Voxel indices (i, j, k) of the CT grid under the crosshair. */
    ijk: null,
    highlightedLabels: [],
    selectedSentenceId: null,
    sentences: [],
    source: null,
    /** Alpha (0-255) the overlay's colour table gives a label id, from NiiVue's own lookup table. */
    labelAlpha: (id) => labelAlpha(current, id),
    /** Follow-up: the prior study's panel state ({studyId, ready, sliceIndex, ijk, highlightedLabels, labelAlpha}), else null. */
    prior: null,
  };
  window.groundctViewer = state;

  const $ = (id) => document.getElementById(id);
  const studyId = decodeURIComponent((location.pathname.match(/^\/studies\/([^/]+)\/view/) || [])[1] || '');
  state.studyId = studyId;
  $('study-label').textContent = studyId ? `study ${studyId}` : '';

  /**
   * One image panel: a NiiVue instance with a study's CT and mask layers. The current study always has one; a
   * follow-up (report.comparison) adds the most recent prior's beside it, so that evidence marked
   * `study: 'prior-1'` is shown on the prior's own grid.
   */
  function makePanel(canvasId, view) {
    return {
      canvasId,
      /** The part of window.groundctViewer this panel reports into (sliceIndex, ijk, highlightedLabels). */
      view,
      nv: null,
      labelsTable: { layers: 0, labels: [] },
      /** NiiVue volume index of each mask layer (volume 0 is the CT). */
      layerVolume: new Map(),
      ctAffine: null,
      locationId: canvasId === 'gl' ? 'location' : 'prior-location',
    };
  }
  const current = makePanel('gl', state);
  /** The prior study's panel (follow-up reports only). */
  let prior = null;
  let findingsById = new Map();

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function takeTokenFromFragment() {
    const m = location.hash.match(/(?:^#|&)token=([^&]+)/);
    if (!m) return;
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }

  function status(text, isError) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
  }

  class HttpError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  async function api(path, init) {
    const headers = Object.assign({ authorization: `Bearer ${token()}` }, (init && init.headers) || {});
    const res = await fetch(path, Object.assign({}, init, { headers }));
    if (res.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin('The token was refused (unknown or revoked).');
      throw new HttpError(401, null);
    }
    const type = res.headers.get('content-type') || '';
    const body = type.includes('json') ? await res.json() : await res.text();
    if (!res.ok) throw new HttpError(res.status, body);
    return body;
  }

  async function optional(path) {
    try {
      return await api(path);
    } catch (e) {
      if (e.status === 404 || e.status === 409) return null;
      throw e;
    }
  }

  function showLogin(message) {
    $('login').hidden = false;
    $('login-error').textContent = message || '';
  }

  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = $('token-input').value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    $('login').hidden = true;
    start();
  });

  async function waitForJob() {
    for (;;) {
      const study = await api(`/v1/studies/${encodeURIComponent(studyId)}`);
      const job = study.job;
      if (!job || job.state === 'done') return study;
      if (job.state === 'failed') throw new Error(`The study's job failed: ${job.error ? `${job.error.code}: ${job.error.message}` : 'unknown error'}`);
      $('progress').hidden = false;
      $('progress-bar').value = job.percent;
      $('progress-text').textContent = `${job.state}: ${job.stage} ${Math.round(job.percent)}%`;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  // ---- sentences: the report's, or (before the report stage produced one) one per finding or lesion ----

  function evidenceOf(sentence) {
    if (Array.isArray(sentence.evidence) && sentence.evidence.length > 0) return sentence.evidence;
    const out = [];
    for (const id of sentence.findingIds || []) {
      const f = findingsById.get(id);
      if (f) out.push(...f.evidence);
    }
    return out;
  }

  /** Evidence of this study (no `study` mark) and of the most recent prior ('prior-1'). */
  function splitEvidence(evidence) {
    return { current: evidence.filter((e) => !e.study), prior: evidence.filter((e) => e.study === 'prior-1') };
  }

  function citationsOf(sentence) {
    if (Array.isArray(sentence.citations) && sentence.citations.length > 0) return sentence.citations;
    const ids = new Set();
    for (const id of sentence.findingIds || []) for (const c of (findingsById.get(id) || { criteria: [] }).criteria) ids.add(c);
    return [...ids].map((passageId) => ({ passageId, via: 'criteria' }));
  }

  function sentencesFrom(report, findings, measurements) {
    if (report && Array.isArray(report.sentences)) {
      state.source = 'report';
      return report.sentences;
    }
    if (findings && Array.isArray(findings.findings)) {
      state.source = 'findings';
      return findings.findings.map((f) => ({ id: f.id, section: 'findings', text: `${f.subject.displayName}: ${f.statement}`, findingIds: [f.id] }));
    }
    state.source = 'measurements';
    return ((measurements && measurements.lesions) || []).map((l) => ({
      id: l.id,
      section: 'findings',
      text: `${l.labelName} (${l.organ || 'no organ'}): ${l.longAxisMm.toFixed(1)} x ${l.shortAxisMm.toFixed(1)} mm, ${l.volumeMl.toFixed(1)} mL`,
      findingIds: [],
      evidence: [{ labelId: l.labelId, labelName: l.labelName, componentId: l.id, sliceRange: l.sliceRange, ijkCentroid: l.ijkCentroid, rasCentroid: l.rasCentroid }],
    }));
  }

  function renderReport(sentences) {
    const root = $('report');
    root.textContent = '';
    if (state.source !== 'report') {
      const note = document.createElement('p');
      note.className = 'muted';
      note.textContent = state.source === 'findings' ? 'No report yet: listing the findings.' : 'No report or findings yet: listing the measured lesions.';
      root.append(note);
    }
    for (const section of ['findings', 'impression']) {
      const list = sentences.filter((s) => (s.section || 'findings') === section);
      if (list.length === 0) continue;
      const h = document.createElement('h2');
      h.textContent = section;
      root.append(h);
      for (const s of list) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'sentence';
        b.dataset.sentenceId = s.id;
        b.textContent = s.text;
        if (evidenceOf(s).length === 0) b.classList.add('no-evidence');
        b.addEventListener('click', () => selectSentence(s.id));
        root.append(b);
      }
    }
  }

  // ---- NiiVue ----

  const PALETTE = [
    [230, 25, 75], [60, 180, 75], [0, 130, 200], [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230],
    [210, 245, 60], [250, 190, 212], [0, 128, 128], [220, 190, 255], [170, 110, 40], [128, 0, 0], [170, 255, 195],
  ];
  const HIGHLIGHT = [255, 255, 0];
  /** Layer opacity with nothing selected (every first-layer label, faint) and with a selection (only it, strong). */
  const OPACITY_ALL = 0.3;
  const OPACITY_SELECTED = 0.85;

  // NiiVue draws a label whose colour-table alpha is above zero at the layer's opacity, so a selection is shown
  // by giving every other label alpha 0 (hidden) and the selected ones a highlight colour.
  function colormapFor(panel, layer, highlighted) {
    const labels = panel.labelsTable.labels.filter((l) => l.layer === layer);
    const cm = { R: [0], G: [0], B: [0], A: [0], I: [0], labels: ['background'] };
    labels.forEach((l, n) => {
      const on = highlighted.has(l.id);
      const c = on ? HIGHLIGHT : PALETTE[n % PALETTE.length];
      cm.R.push(c[0]);
      cm.G.push(c[1]);
      cm.B.push(c[2]);
      cm.A.push(highlighted.size > 0 ? (on ? 255 : 0) : layer === firstLayer(panel) ? 255 : 0);
      cm.I.push(l.id);
      cm.labels.push(l.name);
    });
    return cm;
  }

  function firstLayer(panel) {
    return Math.min(...panel.layerVolume.keys());
  }

  function applyHighlight(panel, ids) {
    const set = new Set(ids);
    for (const [layer, volIdx] of panel.layerVolume) {
      panel.nv.volumes[volIdx].setColormapLabel(colormapFor(panel, layer, set));
      panel.nv.setOpacity(volIdx, set.size > 0 ? OPACITY_SELECTED : OPACITY_ALL);
    }
    panel.nv.updateGLVolume();
    panel.view.highlightedLabels = [...set].sort((a, b) => a - b);
  }

  function labelAlpha(panel, id) {
    const entry = panel.labelsTable.labels.find((l) => l.id === id);
    if (!entry || !panel.nv || !panel.layerVolume.has(entry.layer)) return null;
    const cm = panel.nv.volumes[panel.layerVolume.get(entry.layer)].colormapLabel;
    if (!cm || !cm.lut) return null;
    const min = cm.min || 0;
    return cm.lut[(id - min) * 4 + 3];
  }

  function invert4(m) {
    // Gauss-Jordan on a row-major 4x4 matrix.
    const a = m.map((row) => row.slice());
    const inv = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    for (let c = 0; c < 4; c++) {
      let p = c;
      for (let r = c + 1; r < 4; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
      [a[c], a[p]] = [a[p], a[c]];
      [inv[c], inv[p]] = [inv[p], inv[c]];
      const d = a[c][c];
      for (let k = 0; k < 4; k++) { a[c][k] /= d; inv[c][k] /= d; }
      for (let r = 0; r < 4; r++) {
        if (r === c) continue;
        const f = a[r][c];
        for (let k = 0; k < 4; k++) { a[r][k] -= f * a[c][k]; inv[r][k] -= f * inv[c][k]; }
      }
    }
    return inv;
  }

  /** Reads the crosshair back from NiiVue and expresses it as voxel indices (i, j, k) of the panel's CT. */
  function readCrosshair(panel) {
    const mm = panel.nv.frac2mm(panel.nv.scene.crosshairPos);
    const rasToIjk = invert4(panel.ctAffine);
    const ijk = [0, 1, 2].map((r) => Math.round(rasToIjk[r][0] * mm[0] + rasToIjk[r][1] * mm[1] + rasToIjk[r][2] * mm[2] + rasToIjk[r][3]));
    panel.view.ijk = ijk;
    panel.view.sliceIndex = ijk[2];
    const where = $(panel.locationId);
    if (where) where.textContent = `slice k=${ijk[2]} (i=${ijk[0]}, j=${ijk[1]}) RAS ${[0, 1, 2].map((n) => mm[n].toFixed(1)).join(', ')} mm`;
  }

  function ijkToRas(panel, ijk) {
    const a = panel.ctAffine;
    return [0, 1, 2].map((r) => a[r][0] * ijk[0] + a[r][1] * ijk[1] + a[r][2] * ijk[2] + a[r][3]);
  }

  /** The point to show for a set of evidence: a lesion component first, else the largest structure. */
  function focusOf(panel, evidence) {
    const placed = evidence.filter((e) => e.ijkCentroid || e.rasCentroid || e.sliceRange);
    if (placed.length === 0) return null;
    const lesion = placed.find((e) => e.componentId);
    const e = lesion || placed.slice().sort((a, b) => (b.voxelCount || 0) - (a.voxelCount || 0))[0];
    if (e.ijkCentroid) {
      const ijk = e.ijkCentroid.map((v) => Math.round(v));
      if (e.sliceRange) ijk[2] = Math.min(Math.max(ijk[2], e.sliceRange[0]), e.sliceRange[1]);
      return ijkToRas(panel, ijk);
    }
    if (e.rasCentroid) return e.rasCentroid;
    const k = Math.round((e.sliceRange[0] + e.sliceRange[1]) / 2);
    const cur = panel.view.ijk || [0, 0, 0];
    return ijkToRas(panel, [cur[0], cur[1], k]);
  }

  async function passageLine(c) {
    const li = document.createElement('li');
    // A method passage (how groundct measures) is labelled "method"; literature shows its DOI or PMID.
    const tag = (kind) => [kind === 'method' ? 'method' : null, c.via].filter(Boolean).join(', ');
    li.textContent = `${c.passageId} (${tag(c.kind)}${c.score !== undefined ? `, score ${Number(c.score).toFixed(2)}` : ''})`;
    if (c.kind === 'method') li.classList.add('method');
    try {
      const p = await api(`/v1/passages/${encodeURIComponent(c.passageId)}`);
      const s = p.source || {};
      const who = s.authors || s.body || '';
      const where = [s.journal || s.publisher, s.year].filter(Boolean).join(' ');
      const ids = [s.doi ? `doi:${s.doi}` : null, s.pmid ? `PMID ${s.pmid}` : null].filter(Boolean).join(', ');
      const prefix = p.kind === 'method' ? 'Method: ' : '';
      li.textContent = `${prefix}${p.title} — ${who}. ${s.title}. ${where}${ids ? `. ${ids}` : ''}${s.section ? ` (${s.section})` : ''} [${c.passageId}, ${tag(p.kind)}]`;
      if (p.kind === 'method') li.classList.add('method');
    } catch (e) {
      /* the passage route may be absent: keep the id */
    }
    return li;
  }

  async function showCitations(citations) {
    const list = $('citation-list');
    list.textContent = '';
    if (citations.length === 0) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = 'No citations for this sentence.';
      list.append(li);
      return;
    }
    for (const c of citations) list.append(await passageLine(c));
  }

  function showOn(panel, evidence) {
    applyHighlight(panel, evidence.map((e) => e.labelId));
    const target = focusOf(panel, evidence);
    if (target) {
      panel.nv.scene.crosshairPos = panel.nv.mm2frac(target);
      panel.nv.drawScene();
      if (typeof panel.nv.createOnLocationChange === 'function') panel.nv.createOnLocationChange();
    }
    readCrosshair(panel);
  }

  /** This study's evidence on the current panel; the prior's (a change sentence) on the prior panel beside it. */
  function showEvidence(evidence) {
    const parts = splitEvidence(evidence);
    showOn(current, parts.current);
    if (prior && prior.view.ready) showOn(prior, parts.prior);
  }

  async function selectSentence(id) {
    const s = state.sentences.find((x) => x.id === id);
    if (!s) return;
    for (const b of document.querySelectorAll('.sentence')) b.classList.toggle('selected', b.dataset.sentenceId === id);
    state.selectedSentenceId = id;
    showEvidence(evidenceOf(s));
    await showCitations(citationsOf(s));
  }
  state.selectSentence = selectSentence;
  state.evidenceOf = evidenceOf;

  async function setupAsk() {
    let doc;
    try {
      doc = await (await fetch('/docs/json')).json();
    } catch (e) {
      return;
    }
    if (!doc.paths || !doc.paths['/v1/studies/{id}/ask']) return;
    $('ask').hidden = false;
    $('ask').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const question = $('question').value.trim();
      if (!question) return;
      const out = $('answer');
      out.textContent = '...';
      try {
        const a = await api(`/v1/studies/${encodeURIComponent(studyId)}/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
        out.textContent = a.answerable ? a.answer : `Cannot answer: ${a.answer}`;
        state.lastAnswer = a;
        for (const b of document.querySelectorAll('.sentence')) b.classList.remove('selected');
        state.selectedSentenceId = null;
        if (a.evidence && a.evidence.length > 0) showEvidence(a.evidence);
        await showCitations((a.citations || []).map((c) => ({ passageId: c.id || c.passageId, via: c.via || 'criteria', kind: c.kind })));
      } catch (e) {
        out.textContent = e.message;
      }
    });
  }

  /** Creates the panel's NiiVue instance and loads the study's CT and mask layers into it. */
  async function loadPanel(panel, id, study) {
    const base = `/v1/studies/${encodeURIComponent(id)}`;
    panel.labelsTable = (await optional(`${base}/volumes/labels`)) || { layers: 0, labels: [] };
    // Radiological convention: the patient's right on the screen's left, as radiologists read CT.
    panel.nv = new niivue.Niivue({ backColor: [0, 0, 0, 1], show3Dcrosshair: true, dragAndDropEnabled: false, isResizeCanvas: true, isRadiologicalConvention: true, crosshairWidth: 1 });
    await panel.nv.attachTo(panel.canvasId);
    panel.nv.setSliceType(panel.nv.sliceTypeAxial);
    const auth = { Authorization: `Bearer ${token()}` };
    const layers = [...new Set(panel.labelsTable.labels.map((l) => l.layer))].sort((a, b) => a - b);
    const have = new Set(study.artifacts.map((a) => a.name));
    const volumes = [{ url: `${base}/volumes/ct`, name: 'ct.nii.gz', headers: auth, colormap: 'gray', cal_min: -160, cal_max: 240 }];
    for (const layer of layers) {
      if (!have.has(`volume.masks.${layer}`)) continue;
      panel.layerVolume.set(layer, volumes.length);
      volumes.push({ url: `${base}/volumes/masks?layer=${layer}`, name: `masks-${layer}.nii.gz`, headers: auth, opacity: OPACITY_ALL });
    }
    await panel.nv.loadVolumes(volumes);
    panel.ctAffine = panel.nv.volumes[0].hdr.affine;
    panel.nv.onLocationChange = () => readCrosshair(panel);
    applyHighlight(panel, []);
    readCrosshair(panel);
  }

  async function start() {
    if (!studyId) return status('No study id in the address.', true);
    if (!token()) return showLogin();
    try {
      status('loading study...');
      const study = await waitForJob();
      $('progress').hidden = true;
      const base = `/v1/studies/${encodeURIComponent(studyId)}`;
      const [report, findings, measurements] = await Promise.all([optional(`${base}/report`), optional(`${base}/findings`), optional(`${base}/measurements`)]);
      findingsById = new Map([...((findings && findings.findings) || []), ...((findings && findings.priorFindings) || [])].map((f) => [f.id, f]));
      state.sentences = sentencesFrom(report, findings, measurements);
      renderReport(state.sentences);

      status('loading volumes...');
      // A follow-up report: the most recent prior beside the current study, each on its own grid. The panel is
      // shown first so that both canvases get their size before NiiVue attaches.
      const followup = study.priorStudyId && report && report.comparison;
      if (followup) {
        prior = makePanel('gl-prior', { studyId: study.priorStudyId, ready: false, sliceIndex: null, ijk: null, highlightedLabels: [] });
        prior.view.labelAlpha = (id) => labelAlpha(prior, id);
        state.prior = prior.view;
        const date = report.comparison.priors[0] && report.comparison.priors[0].studyDate;
        $('prior-panel').hidden = false;
        $('prior-title').textContent = `prior study${date ? ` of ${date}` : ''}`;
        $('current-title').hidden = false;
      }
      await loadPanel(current, studyId, study);
      if (followup) {
        await loadPanel(prior, study.priorStudyId, await api(`/v1/studies/${encodeURIComponent(study.priorStudyId)}`));
        prior.view.ready = true;
      }
      for (const b of document.querySelectorAll('[data-slice]')) {
        b.addEventListener('click', () => {
          for (const p of [current, prior]) if (p) p.nv.setSliceType(b.dataset.slice === 'multi' ? p.nv.sliceTypeMultiplanar : p.nv.sliceTypeAxial);
        });
      }
      await setupAsk();
      status('');
      state.ready = true;
    } catch (e) {
      state.error = e.message;
      if (e.status !== 401) status(e.message, true);
    }
  }

  takeTokenFromFragment();
  start();
})();
