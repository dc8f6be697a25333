package domain

// Queue names a reviewer's live queue. The code is the name of the server-sent event that
// rings the queue when it changes, and the page listening for "sse:<code>" re-fetches its
// rows (DESIGN.md §4): the codes are part of the HTML, so they never change.
type Queue string

// The reviewer's queues.
const (
	QueueApps   Queue = "apps"   // applications waiting for confirmation
	QueuePhotos Queue = "photos" // photos waiting for review
	QueueCE     Queue = "ce"     // continuing-education enrolments
)

var queues = vocab[Queue]{
	{QueueApps, "报名确认"},
	{QueuePhotos, "照片确认"},
	{QueueCE, "继续教育"},
}

// Queues lists every queue, in the order of the reviewer console's tabs.
func Queues() []Queue { return queues.codes() }

// Label is the queue's name on the reviewer console's tabs.
func (q Queue) Label() string { return queues.label(q) }
