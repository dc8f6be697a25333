package domain

import (
	"strings"
	"time"
)

// PhotoStatus is the review state of a trainee's personal photo (照片确认状态).
type PhotoStatus string

// Photo statuses. The codes are stored; the labels are the manual's words.
const (
	PhotoNone      PhotoStatus = "none"
	PhotoPending   PhotoStatus = "pending"
	PhotoConfirmed PhotoStatus = "confirmed"
	PhotoReturned  PhotoStatus = "returned"
)

var photoStatuses = vocab[PhotoStatus]{
	{PhotoNone, "未上传"}, {PhotoPending, "待确认"}, {PhotoConfirmed, "已确认"}, {PhotoReturned, "已退回"},
}

// Label is the status as the trainee and the reviewer read it.
func (s PhotoStatus) Label() string { return photoStatuses.label(s) }

// UnmarshalText reads a stored status: a code, or the Chinese label that records written
// before the codes hold (see vocab.decode).
func (s *PhotoStatus) UnmarshalText(b []byte) error {
	*s = photoStatuses.decode(b)
	return nil
}

// Photo is the personal photo (证照) of a trainee and its review state. ID is random and
// changes with every upload, so a URL to an old image stops working when it is replaced.
type Photo struct {
	ID         string
	OwnerID    string
	Status     PhotoStatus
	Reason     string // why it was returned; shown prominently to the trainee
	UploadedAt time.Time
	DecidedAt  time.Time
	DecidedBy  string // display name of the reviewer
	Width      int
	Height     int
	Bytes      int
}

// StatusOrNone treats a zero Photo as not uploaded.
func (p Photo) StatusOrNone() PhotoStatus {
	if p.Status == "" {
		return PhotoNone
	}
	return p.Status
}

// NextStep tells the trainee what to do in the photo's current state.
func (p Photo) NextStep() string {
	switch p.StatusOrNone() {
	case PhotoNone:
		return "请上传本人近期正面免冠彩色照片，报名时需要使用。"
	case PhotoPending:
		return "照片已上传，等待培训机构确认。确认前如需更换，可以重新上传。"
	case PhotoReturned:
		return "照片被退回，请按退回原因重新拍摄并上传。"
	}
	return "照片已确认。如需更换，重新上传后需要再次确认。"
}

// Uploaded returns the photo after a (re-)upload: any state goes back to 待确认, because a
// new image always needs a new review.
func (p Photo) Uploaded(ownerID, newID string, w, h, size int, now time.Time) Photo {
	return Photo{ID: newID, OwnerID: ownerID, Status: PhotoPending, UploadedAt: now, Width: w, Height: h, Bytes: size}
}

// Confirm is a reviewer's 确认; only a photo waiting for review can be confirmed.
func (p Photo) Confirm(by string, now time.Time) (Photo, error) {
	if p.StatusOrNone() != PhotoPending {
		return p, Err(CodeConflict, "这张照片已经处理过了（"+p.StatusOrNone().Label()+"），请刷新后查看")
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.Reason = PhotoConfirmed, by, now, ""
	return p, nil
}

// Return is a reviewer's 退回 with a reason the trainee will read.
func (p Photo) Return(by, reason string, now time.Time) (Photo, error) {
	if p.StatusOrNone() != PhotoPending {
		return p, Err(CodeConflict, "这张照片已经处理过了（"+p.StatusOrNone().Label()+"），请刷新后查看")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return p, FieldErrors{"reason": "请填写退回原因，学员会看到这段文字"}
	}
	reason, err := CleanText(reason, "退回原因", 200, true)
	if err != nil {
		return p, FieldErrors{"reason": MessageOf(err)}
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.Reason = PhotoReturned, by, now, reason
	return p, nil
}
