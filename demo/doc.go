// Package demo seeds the demo data that the server writes on its first start with
// SITEPRO_DEMO=1: staff and agencies, trainees with certificates, photos in every review
// state, applications in every state of their lifecycle and a completed continuing-education
// cycle. It is built only from the store's public use cases, the same an admin, a reviewer
// or a trainee runs, so the demo cannot disagree with the rules. Its credentials are
// exported for the README and the end-to-end tests.
package demo
