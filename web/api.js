// Talking to the hub: GraphQL at /graphql and the HTTP endpoints under /api, always with
// the bearer token kept in sessionStorage (gone when the browser tab closes).

const KEY = 'hub.token';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  signIn: (token) => sessionStorage.setItem(KEY, token.trim()),
  signOut: () => sessionStorage.removeItem(KEY),
};

/** An error the hub answered: `code` is its stable code (UNAUTHENTICATED, FORBIDDEN …). */
export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const MESSAGES = {
  UNAUTHENTICATED: '令牌无效、已过期或已吊销，请重新登录',
  FORBIDDEN: '当前角色无权执行此操作',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  INTERNAL: '服务器内部错误，请稍后再试',
};

function authHeaders() {
  const token = session.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && body.error) {
      return new ApiError(body.error.code, MESSAGES[body.error.code] && body.error.code !== 'BAD_INPUT'
        ? `${MESSAGES[body.error.code]}（${body.error.message}）` : body.error.message);
    }
  } catch (_) { /* not JSON */ }
  const code = response.status === 401 ? 'UNAUTHENTICATED' : `HTTP_${response.status}`;
  return new ApiError(code, MESSAGES[code] || `请求失败（HTTP ${response.status}）`);
}

/** Runs a GraphQL document; resolves to `data`, rejects with the first error. */
export async function gql(query, variables = {}) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders() },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.ok && !(response.headers.get('content-type') || '').includes('json')) {
    throw await errorOf(response);
  }
  let body;
  try {
    body = await response.json();
  } catch (_) {
    throw new ApiError(`HTTP_${response.status}`, `请求失败（HTTP ${response.status}）`);
  }
  if (body.error) throw new ApiError(body.error.code, body.error.message);
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const code = (first.extensions && first.extensions.code) || 'ERROR';
    throw new ApiError(code, MESSAGES[code] && code !== 'BAD_INPUT' ? MESSAGES[code] : first.message);
  }
  return body.data;
}

/** GETs `url` (with the token) and resolves to its JSON body. */
export async function getJson(url) {
  const response = await fetch(url, { headers: authHeaders() });
  if (!response.ok) throw await errorOf(response);
  return response.json();
}

/** Downloads `url` (with the token) and saves it as `fileName`. */
export async function download(url, fileName) {
  const response = await fetch(url, { headers: authHeaders() });
  if (!response.ok) throw await errorOf(response);
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/**
 * Follows an upload answered 202 (queued) until it has landed: resolves to its report, or
 * rejects with the landing's error.
 */
async function followTicket(ticket) {
  for (;;) {
    await new Promise((done) => setTimeout(done, 1000));
    const response = await fetch(`/api/uploads/tickets/${encodeURIComponent(ticket)}`, { headers: authHeaders() });
    if (!response.ok) throw await errorOf(response);
    const body = await response.json();
    if (body.status === 'landed' && body.report) return body.report;
    if (body.status === 'failed') {
      const error = body.error || {};
      throw new ApiError(error.code || 'INTERNAL', error.message || '上传失败');
    }
  }
}

/**
 * Uploads one file to POST /api/uploads (multipart: file, kind, dry_run, unit, and one map
 * field per fixed column, `header=field`) and resolves to the import report (following the
 * upload's ticket when it is answered 202, queued).
 * `onProgress(fraction)` follows the bytes sent.
 */
export function uploadFile(file, { kind, dryRun, unit, mapping = [] } = {}, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    if (kind) form.append('kind', kind);
    if (dryRun) form.append('dry_run', 'true');
    if (unit) form.append('unit', unit);
    for (const entry of mapping) form.append('map', entry);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/uploads');
    const token = session.token();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      const body = xhr.response;
      if (xhr.status === 202 && body && body.ticket) {
        followTicket(body.ticket).then(resolve, reject);
      } else if (xhr.status >= 200 && xhr.status < 300 && body) {
        resolve(body);
      } else if (body && body.error) {
        reject(new ApiError(body.error.code, body.error.message));
      } else {
        reject(new ApiError(`HTTP_${xhr.status}`, MESSAGES[xhr.status === 401 ? 'UNAUTHENTICATED' : ''] || `上传失败（HTTP ${xhr.status}）`));
      }
    };
    xhr.onerror = () => reject(new ApiError('NETWORK', '网络错误，上传未完成'));
    xhr.send(form);
  });
}
