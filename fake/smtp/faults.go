package smtp

import gosmtp "github.com/emersion/go-smtp"

// Fault is how a transaction fails on purpose, the way a real mail server
// does under load or when it refuses mail. fault.Injector speaks HTTP, so
// SMTP keeps its own queue.
type Fault int

// Faults.
const (
	// Temporary answers the end of DATA with 451 4.3.0: try again later.
	Temporary Fault = iota + 1
	// Permanent answers the end of DATA with 550 5.7.1: refused for good.
	Permanent
	// Drop closes the connection after the data without a reply, so the
	// client cannot tell whether the message was accepted.
	Drop
)

// FailNext makes the next n transactions that reach the end of DATA fail
// with f; their messages are not recorded.
func (s *Server) FailNext(f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// nextFault takes the next queued fault, or 0 for none.
func (s *Server) nextFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return 0
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f
}

// reply is the SMTP answer of a fault that answers.
func (f Fault) reply() *gosmtp.SMTPError {
	if f == Temporary {
		return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "Temporary local problem, try again later (injected)"}
	}
	return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 7, 1}, Message: "Message refused by policy (injected)"}
}
