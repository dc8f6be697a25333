package handlers

import (
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// The reviewer console's tab counts (issue 14): every console page renders them, and a
// page with a live queue fetches them again from /review/counts whenever the SSE doorbell
// rings any of the agency's queues (views/review_tabs.templ), so the counts of the other
// tabs move too while the reviewer works in one.

func (s *Server) reviewTabsRoutes() []Route {
	return []Route{
		{fiber.MethodGet, "/review/counts", Reviewer, s.reviewCounts},
	}
}

// queueCounts reads the waiting items of the reviewer's three queues, each from index
// keys alone and scoped to the reviewer's agency by the store.
func (s *Server) queueCounts(u domain.User) (views.QueueCounts, error) {
	apps, photos, err := s.d.Store.QueueCounts(u)
	if err != nil {
		return views.QueueCounts{}, err
	}
	ce, err := s.d.Store.CEQueueCount(u)
	return views.QueueCounts{Apps: apps, Photos: photos, CE: ce}, err
}

// reviewCounts answers the tabs' live refresh with the three counts, to be swapped out of
// band by their ids. It is never cached: the counts change with every decision.
func (s *Server) reviewCounts(c *fiber.Ctx) error {
	n, err := s.queueCounts(*currentUser(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return render(c, fiber.StatusOK, views.QueueCountsOOB(n))
}
