// Package export writes tables as CSV (with a BOM so Excel opens Chinese text correctly)
// and as Excel .xlsx, and reads uploaded CSV/Excel tables for imports. It is the only
// package that imports excelize.
package export
