// Package views renders every page, fragment, print view and e-mail of sitepro as templ
// components. Views receive plain view models built by handlers and never decide a rule;
// all text shown to users is Chinese.
package views
