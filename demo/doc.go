// Package demo seeds the demo data that the server writes on its first start with
// SITEPRO_DEMO=1: agencies (培训机构管理) and their reviewers (账号管理, activated through
// their link), trainees with certificates (历史证书导入), photos in every review state,
// applications in every state of their lifecycle with their exams from published exam
// sessions (考试管理) and a certificate issued (证书发放), and a completed
// continuing-education cycle. It is built only from the store's public use cases, the
// same an admin, a reviewer or a trainee runs, so the demo cannot disagree with the
// rules. Its credentials are exported for the README and the end-to-end tests.
package demo
