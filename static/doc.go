// Package static embeds the browser assets (vendored htmx and its SSE extension, the CSS
// and our small script) and serves them under content-hashed URLs, so they can be cached
// for a year and still change the moment a new binary is deployed.
package static
