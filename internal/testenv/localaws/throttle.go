package localaws

// ThrottleEvery makes every nth call of an operation fail with its
// service's throttling error (see Throttle), until called again with n < 1: a
// steady request rate above the account's limit, where Throttle is a burst.
func (s *Server) ThrottleEvery(operation string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.every == nil {
		s.every = map[string]*steadyThrottle{}
	}
	if n < 1 {
		delete(s.every, operation)
		return
	}
	s.every[operation] = &steadyThrottle{n: n}
}

type steadyThrottle struct{ n, calls int }

// takeSteadyThrottle counts a call of operation and returns the throttling
// error when it is one of every nth.
func (s *Server) takeSteadyThrottle(operation string) *APIError {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.every[operation]
	if !ok {
		return nil
	}
	t.calls++
	if t.calls%t.n != 0 {
		return nil
	}
	err := throttleError(operation)
	return &err
}

// throttleError is the error operation's service answers when a caller
// exceeds its request rate.
func throttleError(operation string) APIError {
	if sv, ok := serviceOf(operation); ok {
		return sv.throttle
	}
	return rateExceeded
}
