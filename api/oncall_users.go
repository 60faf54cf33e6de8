package api

import (
	"net/http"

	"github.com/arqir/arqir"
)

// createUserRequest is the body of POST /api/v1/users.
type createUserRequest struct {
	Handle               string   `json:"handle"`
	Name                 string   `json:"name"`
	Email                string   `json:"email"`
	SlackUserID          string   `json:"slack_user_id"`
	Phone                string   `json:"phone"`
	TimeZone             string   `json:"time_zone"`
	NotificationChannels []string `json:"notification_channels"`
}

// updateUserRequest is the body of PATCH /api/v1/users/{handle}: absent
// fields stay as they are.
type updateUserRequest struct {
	Name                 *string   `json:"name"`
	Email                *string   `json:"email"`
	SlackUserID          *string   `json:"slack_user_id"`
	Phone                *string   `json:"phone"`
	TimeZone             *string   `json:"time_zone"`
	NotificationChannels *[]string `json:"notification_channels"`
}

// usersBody is the answer of GET /api/v1/users.
type usersBody struct {
	Users []*arqir.User `json:"users"`
}

// userShiftsBody is the answer of GET /api/v1/users/{handle}/shifts.
type userShiftsBody struct {
	User   string        `json:"user"`
	Shifts []arqir.Shift `json:"shifts"`
}

// handleListUsers lists users; ?deleted=true includes deleted ones.
func (s *server) handleListUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "deleted"); err != nil {
		return err
	}
	deleted, err := boolParam(q, "deleted")
	if err != nil {
		return err
	}
	users, err := s.store.Users(r.Context(), deleted)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, usersBody{Users: users})
	return nil
}

// handleCreateUser adds a user: 201 with the user.
func (s *server) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	var req createUserRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	u, err := s.store.CreateUser(r.Context(), arqir.UserInput{
		Handle: req.Handle, Name: req.Name, Email: req.Email, SlackUserID: req.SlackUserID,
		Phone: req.Phone, TimeZone: req.TimeZone, NotificationChannels: req.NotificationChannels,
	}, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

// handleGetUser answers one user, deleted ones included.
func (s *server) handleGetUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.store.User(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// handleUpdateUser changes the fields the body names.
func (s *server) handleUpdateUser(w http.ResponseWriter, r *http.Request) error {
	var req updateUserRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	u, err := s.store.UpdateUser(r.Context(), r.PathValue("handle"), arqir.UserPatch{
		Name: req.Name, Email: req.Email, SlackUserID: req.SlackUserID, Phone: req.Phone,
		TimeZone: req.TimeZone, NotificationChannels: req.NotificationChannels,
	}, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// handleDeleteUser removes a user softly and answers the user as deleted.
// A user who rotates in a schedule is refused (409) unless ?force=true:
// schedules then keep answering, with the user's turns flagged as gaps.
func (s *server) handleDeleteUser(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "force"); err != nil {
		return err
	}
	force, err := boolParam(q, "force")
	if err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	u, err := s.store.DeleteUser(r.Context(), r.PathValue("handle"), force, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// handleUserShifts answers a user's next shifts in any schedule.
func (s *server) handleUserShifts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "after", "n"); err != nil {
		return err
	}
	after, err := instant("after", q.Get("after"))
	if err != nil {
		return err
	}
	n, err := intParam(q, "n", 5)
	if err != nil {
		return err
	}
	handle := r.PathValue("handle")
	shifts, err := s.store.UserShifts(r.Context(), handle, after, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, userShiftsBody{User: handle, Shifts: shifts})
	return nil
}
