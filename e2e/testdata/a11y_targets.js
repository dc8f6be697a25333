// The touch-target check of the accessibility gate (e2e/a11y_test.go). It is evaluated
// through DevTools (Runtime.evaluate), so the page's CSP does not apply, and returns the
// targets that fail, as {rule, selector, text, size, near}.
//
// A target is every visible interactive element. A checkbox or radio button and its label
// are one target (the label ticks the box: their union is what a thumb can hit). Each
// target must meet two sizes, checked the way WCAG 2.5.8 Target Size (Minimum) defines it:
//
//   target-size-24 (WCAG 2.2 AA, 2.5.8): at least 24×24 CSS px, or, when smaller, a 24 px
//     circle centred on its bounding box intersects no other target and no other undersized
//     target's circle (the "spacing" exception);
//   target-size-44 (the project's rule, UX.md; WCAG 2.5.5): the same test with 44 px.
//
// Exempt, as in 2.5.8: a link inside a sentence or block of text ("inline": its block has
// text that is not part of a target) — it is not measured, but its line boxes are still
// targets that an undersized neighbour's circle must not reach; and elements that are not
// visible (display:none, visibility:hidden, clipped to 1 px like .sr, moved off-screen
// like the skip link until it has the focus), which are no targets at all.
(() => {
	const interactive = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
		'[role=button], [role=link], [role=tab], [role=checkbox], [role=radio], [role=switch], ' +
		'[role=menuitem], [tabindex]:not([tabindex="-1"])';
	const px = (n) => Math.round(n);

	const visibleRect = (el) => {
		if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return null;
		const r = el.getBoundingClientRect();
		if (r.width <= 1 || r.height <= 1) return null;
		if (r.right <= 0 || r.bottom + scrollY <= 0) return null; // moved off-screen (the skip link)
		return { left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY };
	};
	const union = (a, b) => ({ left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) });

	const selector = (el) => {
		const parts = [];
		for (let e = el; e && e.nodeType === 1 && parts.length < 5; e = e.parentElement) {
			if (e.id) { parts.unshift('#' + CSS.escape(e.id)); break; }
			const testid = e.getAttribute('data-testid');
			if (testid) { parts.unshift('[data-testid="' + testid + '"]'); break; }
			let s = e.tagName.toLowerCase();
			if (s === 'main' || s === 'body') { parts.unshift(s); break; }
			const cls = [...e.classList].filter((c) => !c.startsWith('htmx-')).slice(0, 2);
			if (cls.length) s += '.' + cls.map((c) => CSS.escape(c)).join('.');
			const parent = e.parentElement;
			if (parent) {
				const same = [...parent.children].filter((c) => c.tagName === e.tagName);
				if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
			}
			parts.unshift(s);
		}
		return parts.join(' > ');
	};
	const label = (el) => (el.getAttribute('aria-label') || el.textContent || el.value || el.name || '').replace(/\s+/g, ' ').trim().slice(0, 40);

	// inline reports whether a link sits in a sentence or block of text: its nearest block
	// ancestor has text of its own, outside any target.
	const inline = (el) => {
		if (getComputedStyle(el).display !== 'inline') return false;
		let block = el.parentElement;
		while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
		if (!block) return false;
		const walk = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			if (n.textContent.trim() === '' || n.parentElement.closest(interactive)) continue;
			if (getComputedStyle(n.parentElement).display === 'none') continue;
			return true;
		}
		return false;
	};

	// Collect the targets; a box inside or beside its label becomes one target with it.
	const targets = [];
	const merged = new Set();
	for (const el of document.querySelectorAll(interactive)) {
		if (merged.has(el)) continue;
		let rect = visibleRect(el);
		const isBox = el.matches('input[type=checkbox], input[type=radio]');
		if (isBox && el.labels) {
			for (const l of el.labels) {
				const lr = visibleRect(l);
				if (lr) rect = rect ? union(rect, lr) : lr;
			}
		}
		if (!rect) continue;
		const t = { el, rects: [rect], w: rect.right - rect.left, h: rect.bottom - rect.top, cx: (rect.left + rect.right) / 2, cy: (rect.top + rect.bottom) / 2, labels: isBox && el.labels ? [...el.labels] : [] };
		if (el.tagName === 'A' && inline(el)) {
			// exempt; a link that wraps is hit on its line boxes, not on the box around them
			t.exempt = true;
			t.rects = [...el.getClientRects()].filter((r) => r.width > 0 && r.height > 0).map((r) => ({ left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY }));
		}
		targets.push(t);
	}
	// Nested targets (a box inside its label, a button inside a summary) are one: the outer.
	const related = (a, b) => a.el.contains(b.el) || b.el.contains(a.el) || a.labels.includes(b.el) || b.labels.includes(a.el) ||
		a.labels.some((l) => l.contains(b.el)) || b.labels.some((l) => l.contains(a.el));

	const failures = [];
	const seen = new Set();
	for (const [rule, size] of [['target-size-24', 24], ['target-size-44', 44]]) {
		const r = size / 2;
		const small = (t) => !t.exempt && (t.w + 0.5 < size || t.h + 0.5 < size);
		for (const t of targets) {
			if (!small(t) || seen.has(t.el)) continue;
			let near = null;
			for (const o of targets) {
				if (o === t || related(t, o)) continue;
				// the circle of t against the box of o
				if (o.rects.some((b) => {
					const dx = Math.max(b.left - t.cx, 0, t.cx - b.right);
					const dy = Math.max(b.top - t.cy, 0, t.cy - b.bottom);
					return dx * dx + dy * dy < r * r - 0.01;
				})) { near = o; break; }
				// the circle of t against the circle of another undersized o
				if (small(o) && Math.hypot(t.cx - o.cx, t.cy - o.cy) < size - 0.01) { near = o; break; }
			}
			if (near) {
				seen.add(t.el); // reported once, under the smaller size it fails
				failures.push({
					rule, selector: selector(t.el), text: label(t.el), size: px(t.w) + '×' + px(t.h),
					near: selector(near.el) + ' "' + label(near.el) + '"',
				});
			}
		}
	}
	return failures;
})()
