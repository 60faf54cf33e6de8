package api

import (
	"net/http"

	"github.com/arqir/arqir"
)

// createTeamRequest is the body of POST /api/v1/teams.
type createTeamRequest struct {
	Name           string   `json:"name"`
	SlackChannel   string   `json:"slack_channel"`
	SlackUserGroup string   `json:"slack_user_group"`
	Members        []string `json:"members"`
}

// teamsBody is the answer of GET /api/v1/teams.
type teamsBody struct {
	Teams []*arqir.Team `json:"teams"`
}

// handleListTeams lists teams by name.
func (s *server) handleListTeams(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r.URL.Query()); err != nil {
		return err
	}
	teams, err := s.store.Teams(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, teamsBody{Teams: teams})
	return nil
}

// handleCreateTeam adds a team: 201 with the team.
func (s *server) handleCreateTeam(w http.ResponseWriter, r *http.Request) error {
	var req createTeamRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	t, err := s.store.CreateTeam(r.Context(), arqir.TeamInput{Name: req.Name, SlackChannel: req.SlackChannel, SlackUserGroup: req.SlackUserGroup, Members: req.Members}, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

// handleGetTeam answers one team.
func (s *server) handleGetTeam(w http.ResponseWriter, r *http.Request) error {
	t, err := s.store.Team(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// handleAddTeamMember puts a user on a team (idempotent).
func (s *server) handleAddTeamMember(w http.ResponseWriter, r *http.Request) error {
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	t, err := s.store.AddTeamMember(r.Context(), r.PathValue("name"), r.PathValue("handle"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// handleRemoveTeamMember takes a user off a team.
func (s *server) handleRemoveTeamMember(w http.ResponseWriter, r *http.Request) error {
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	t, err := s.store.RemoveTeamMember(r.Context(), r.PathValue("name"), r.PathValue("handle"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
