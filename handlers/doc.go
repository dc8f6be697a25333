// Package handlers is sitepro's HTTP layer on Fiber: the routes table, middleware for
// request ids, security headers, sessions, CSRF and roles, and thin handlers that copy
// form input into a domain input, call one store use case and render a view. No business
// rule lives here.
package handlers
