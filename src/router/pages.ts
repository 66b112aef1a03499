// The router's own pages; they name no internals.

function page(status: number, title: string, text: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${status} ${title}</title>
<style>body{font-family:system-ui,sans-serif;margin:15vh auto;max-width:36em;color:#333}h1{font-weight:500}</style>
</head><body><h1>${status} ${title}</h1><p>${text}</p></body></html>
`;
}

export const NOT_FOUND_PAGE = page(404, 'Not Found', 'No app is deployed at this address.');
export const BAD_GATEWAY_PAGE = page(502, 'Bad Gateway', 'The app did not answer. Try again in a moment.');
export const STOPPED_PAGE = page(503, 'Service Unavailable', 'This app is stopped. Try again later.');
export const MAINTENANCE_PAGE = page(503, 'Down for Maintenance', 'This app is undergoing maintenance. Please check back soon.');
/** Seconds a client is told to wait before asking a maintenance page again. */
export const MAINTENANCE_RETRY_AFTER = 60;
export const GATEWAY_TIMEOUT_PAGE = page(504, 'Gateway Timeout', 'The app took too long to answer.');
export const BAD_REQUEST_PAGE = page(400, 'Bad Request', 'The request could not be understood.');
export const METHOD_NOT_ALLOWED_PAGE = page(405, 'Method Not Allowed', 'This method is not served here.');
export const VERSION_NOT_SUPPORTED_PAGE = page(505, 'HTTP Version Not Supported', 'This port speaks HTTP/1.0 and HTTP/1.1.');
