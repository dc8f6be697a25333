package views

import "sitepro/domain"

// The view kit both wizards (新取证 and 继续教育) share: the step frame and the task list.

// newFrame starts the frame of step cur of a wizard whose pages sit below base+id.
func newFrame[S domain.WizardStep](id, base string, cur S, steps []S, done func(S) bool, url func(S) string) StepFrame {
	f := StepFrame{Progress: base + id, StepNo: int(cur) + 1, Title: cur.Title()}
	for _, s := range steps {
		f.Done = append(f.Done, done(s))
	}
	if cur > 0 {
		f.PrevURL = url(cur - 1)
	}
	return f
}

// Task is one step in a wizard's task list; URL is "" while it cannot be opened yet.
type Task struct {
	Title, URL string
	Done       bool
}

// TaskList is 填写进度: every step with whether it is done, and the one way on — the
// first unfinished step, or the check page once all are done.
type TaskList struct {
	Tasks         []Task
	Next, NextFor string // URL and label of the way on
	AllDone       bool
}

// wizardDoc is what a task list needs from an application or an enrolment.
type wizardDoc[S domain.WizardStep] interface {
	Done(S) bool
	CanOpenStep(S) bool
	FirstOpenStep() (S, bool)
}

func taskList[S domain.WizardStep](d wizardDoc[S], steps []S, url func(S) string, check, checkFor string) TaskList {
	var l TaskList
	for _, s := range steps {
		t := Task{Title: s.Title(), Done: d.Done(s)}
		if d.CanOpenStep(s) {
			t.URL = url(s)
		}
		l.Tasks = append(l.Tasks, t)
	}
	open, ok := d.FirstOpenStep()
	l.Next, l.NextFor, l.AllDone = check, checkFor, !ok
	if ok {
		l.Next, l.NextFor = url(open), "继续填写"
	}
	return l
}

func appTasks(a domain.Application) TaskList {
	return taskList(a, domain.AppSteps(), func(s domain.Step) string { return StepURL(a, s) }, "/apply/"+a.ID+"/check", "核对信息并提交")
}

func ceTasks(e domain.Enrolment) TaskList {
	return taskList(e, domain.CESteps(), func(s domain.CEStep) string { return CEStepURL(e, s) }, "/ce/"+e.ID+"/check", "确认报名")
}
