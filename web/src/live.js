// Polls one JSON document and reports it only when its revision changed. The interval adapts to
// the cost of a refresh: max(2 s, 5 x the last fetch+render time), so a 10,000-trial study does not
// keep the browser (or hyperd) busy.
import {getDocument} from './api.js';

const kMinIntervalMs = 2000;
const kCostFactor = 5;

// The identity of a document's content: its "revision" field, else the ETag, else the text.
export function revisionOf(result) {
  if (result.body && typeof result.body.revision === 'string') return result.body.revision;
  return result.etag || result.text;
}

export class LivePoller {
  // `onChange(result)` draws a changed document and returns (or resolves) when done;
  // `onStatus(text, isError)` reports the polling state for the header.
  constructor(path, revision, etag, onChange, onStatus) {
    this.path = path;
    this.revision = revision;
    this.etag = etag;
    this.onChange = onChange;
    this.onStatus = onStatus;
    this.timer = null;
    this.stopped = false;
  }

  // Schedules the next poll `lastCostMs` (fetch + render of the previous load) after now.
  start(lastCostMs) {
    this.schedule(lastCostMs);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  schedule(lastCostMs) {
    if (this.stopped) return;
    const delay = Math.max(kMinIntervalMs, kCostFactor * lastCostMs);
    this.timer = setTimeout(() => this.poll(), delay);
  }

  async poll() {
    if (this.stopped) return;
    if (document.hidden) {  // nobody looks: check again later
      this.schedule(0);
      return;
    }
    const started = performance.now();
    try {
      const result = await getDocument(this.path, this.etag);
      if (this.stopped) return;
      if (!result.notModified) {
        this.etag = result.etag || null;
        const revision = revisionOf(result);
        if (revision !== this.revision) {
          this.revision = revision;
          await this.onChange(result);
        }
      }
      this.onStatus(`live · checked ${new Date().toLocaleTimeString()}`, false);
    } catch (error) {
      if (this.stopped) return;
      this.onStatus(`update failed: ${error.message}`, true);
    }
    this.schedule(performance.now() - started);
  }
}
