// Fetches the dashboard's JSON documents (contract: /api/dashboard/...). Sends the bearer token,
// asks for one on 401, and turns error bodies {"error": {"code", "message"}} into ApiError.
import {askForToken, currentToken} from './auth.js';

// Relative to the page (/dashboard/), so the dashboard also works behind a path prefix.
const kApiBase = new URL('../api/dashboard/', document.baseURI);

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// GET `path` (e.g. "studies/s1"). With `etag`, a 304 resolves to {notModified: true}.
// Otherwise {body, text, etag, bytes}. Rejects with ApiError for non-2xx (after 401 prompts).
export async function getDocument(path, etag) {
  const url = new URL(path, kApiBase);
  let problem = 'This hyperd requires a bearer token for the dashboard.';
  for (;;) {
    const headers = {Accept: 'application/json'};
    const token = currentToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (etag) headers['If-None-Match'] = etag;
    let response;
    try {
      const early = etag ? null : window.takeEarlyFetch(path);
      response = early !== null ? await early.catch(() => null) : null;
      if (response === null || response.status !== 200) {
        response = await fetch(url, {headers, cache: 'no-store'});
      }
    } catch (error) {
      throw new ApiError(0, 'UNAVAILABLE', `cannot reach hyperd at ${url.host}: ${error.message}`);
    }
    if (response.status === 304) return {notModified: true};
    const text = await response.text();
    if (response.status === 401) {
      const error = parseError(text);
      problem = token ? `The token was refused: ${error.message || 'unauthenticated'}.` : problem;
      await askForToken(problem);
      continue;
    }
    if (!response.ok) {
      const error = parseError(text);
      throw new ApiError(response.status, error.code || `HTTP ${response.status}`,
          error.message || `${url.pathname} answered HTTP ${response.status}`);
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new ApiError(response.status, 'BAD_JSON', `${url.pathname} sent invalid JSON: ${e.message}`);
    }
    return {body, text, etag: response.headers.get('ETag'), bytes: text.length};
  }
}

function parseError(text) {
  try {
    const parsed = JSON.parse(text);
    return parsed && parsed.error ? parsed.error : {};
  } catch (e) {
    return {};
  }
}
