// The bearer token for the JSON API: kept in sessionStorage (gone when the tab closes), asked for
// with a small form when the server answers 401. Concurrent 401s share one prompt.
import {h} from './dom.js';

const kStorageKey = 'hyperd.dashboard.token';
let pendingPrompt = null;

export function currentToken() {
  try {
    return sessionStorage.getItem(kStorageKey) || '';
  } catch (e) {
    return '';  // storage disabled: the user is asked again on each 401
  }
}

function storeToken(token) {
  try {
    sessionStorage.setItem(kStorageKey, token);
  } catch (e) {
    // Storage disabled: the token still works for this request.
  }
}

// Shows the token form (with `problem` as the reason) and resolves once a token was entered.
// Test hooks: form#auth-form, input#auth-token, body[data-auth="required"] while shown.
export function askForToken(problem) {
  if (pendingPrompt) return pendingPrompt;
  pendingPrompt = new Promise((resolve) => {
    const input = h('input', {id: 'auth-token', type: 'password', autocomplete: 'off',
      spellcheck: 'false', placeholder: 'bearer token', required: true});
    const form = h('form', {id: 'auth-form', class: 'auth-form'},
        h('h2', null, 'Sign in'),
        h('p', {class: 'note'}, problem),
        h('label', {for: 'auth-token'}, 'Bearer token (a viewer token is enough)'),
        input,
        h('button', {type: 'submit'}, 'Continue'));
    const overlay = h('div', {class: 'auth-overlay', role: 'dialog', 'aria-modal': 'true'}, form);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      storeToken(token);
      overlay.remove();
      delete document.body.dataset.auth;
      pendingPrompt = null;
      resolve(token);
    });
    document.body.append(overlay);
    document.body.dataset.auth = 'required';
    input.focus();
  });
  return pendingPrompt;
}
