package wabsp

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// templateFields are the template fields the SDK asks for when the caller
// names none: Graph's defaults leave out components and the rejection reason.
var templateFields = []string{"id", "name", "language", "status", "category", "sub_category", "parameter_format", "components", "rejected_reason", "previous_category"}

// ErrTemplateNotFound is returned by FindTemplate when no template has the
// name and language asked for.
var ErrTemplateNotFound = errors.New("wabsp: message template not found")

// SubmitTemplate submits a message template for Meta's review.
//
//	POST https://graph.facebook.com/{version}/{waba-id}/message_templates
//
// The template is validated first (see TemplateRequest.Validate) and nothing
// is sent when it is invalid. The answer carries the new template's id, its
// status (usually PENDING) and the category Meta assigned.
//
// A submission is not retried after an HTTP 5xx or a temporary Graph error:
// the first attempt may have created the template, and a repeat is then
// refused because the name and language already exist, turning a success
// into a confusing error (and spending one of the WABA's 100 creations an
// hour). Throttled attempts, which Graph did not process, are still retried.
// After a *ServerError, call FindTemplate with the same name and language to
// learn whether the template was created before submitting again.
func (c *Client) SubmitTemplate(ctx context.Context, wabaID string, req TemplateRequest) (*SubmitTemplateResponse, error) {
	var v validator
	v.numericID("waba_id", wabaID, ErrMissingWABAID)
	req.check(&v)
	if err := v.err("SubmitTemplate"); err != nil {
		return nil, err
	}
	return call[SubmitTemplateResponse](ctx, c, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodPost,
		path:       wabaID + "/message_templates",
		body:       req,
		needsToken: true,
	})
}

// ListTemplatesOptions filters and shapes a template listing. The zero value
// lists every template with the fields the SDK decodes.
type ListTemplatesOptions struct {
	// Fields are the template fields to return; empty asks for id, name,
	// language, status, category, sub_category, parameter_format,
	// components, rejected_reason and previous_category.
	Fields []string `url:"fields,comma,omitempty"`
	// Limit is the page size Graph is asked for; zero leaves its default.
	Limit int `url:"limit,omitempty"`
	// Status, Category, Name and Language filter the listing.
	Status   TemplateStatus   `url:"status,omitempty"`
	Category TemplateCategory `url:"category,omitempty"`
	Name     string           `url:"name,omitempty"`
	Language string           `url:"language,omitempty"`
	// After is the cursor to start from; empty starts at the first page.
	After string `url:"after,omitempty"`
}

// templatePage is one page of GET /{waba-id}/message_templates.
type templatePage struct {
	Data   []Template `json:"data"`
	Paging struct {
		Cursors struct {
			Before string `json:"before"`
			After  string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

// Templates iterates over every template of a WABA, page after page.
//
//	GET https://graph.facebook.com/{version}/{waba-id}/message_templates
//
// It follows paging.cursors.after while Graph gives a next page. Each page is
// fetched only when the loop reaches it; breaking out of the loop stops the
// listing. An error (an invalid waba id or options, a failed page) is yielded
// once with a zero Template, and ends the iteration.
//
//	for t, err := range client.Templates(ctx, wabaID, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(t.Name, t.Status)
//	}
func (c *Client) Templates(ctx context.Context, wabaID string, opts *ListTemplatesOptions) iter.Seq2[Template, error] {
	return func(yield func(Template, error) bool) {
		var q ListTemplatesOptions
		if opts != nil {
			q = *opts
			q.Fields = append([]string(nil), opts.Fields...)
		}
		var v validator
		v.numericID("waba_id", wabaID, ErrMissingWABAID)
		if q.Limit < 0 {
			v.addf("limit", "must not be negative")
		}
		if err := v.err("ListTemplates"); err != nil {
			yield(Template{}, err)
			return
		}
		if len(q.Fields) == 0 {
			q.Fields = templateFields
		}
		seen := map[string]bool{}
		for {
			var page templatePage
			err := c.do(ctx, &apiRequest{
				provider:   ProviderGraph,
				method:     http.MethodGet,
				path:       wabaID + "/message_templates",
				query:      q,
				needsToken: true,
			}, &page)
			if err != nil {
				yield(Template{}, err)
				return
			}
			for _, t := range page.Data {
				if !yield(t, nil) {
					return
				}
			}
			after := page.Paging.Cursors.After
			if page.Paging.Next == "" || after == "" {
				return
			}
			// A cursor Graph hands out twice would loop forever.
			if seen[after] {
				yield(Template{}, fmt.Errorf("wabsp: template listing returned cursor %q twice", truncate(after, 24)))
				return
			}
			seen[after] = true
			q.After = after
		}
	}
}

// GetTemplate returns one template by id.
//
//	GET https://graph.facebook.com/{version}/{template-id}?fields=...
func (c *Client) GetTemplate(ctx context.Context, templateID string) (*Template, error) {
	var v validator
	v.numericID("template_id", templateID, nil)
	if err := v.err("GetTemplate"); err != nil {
		return nil, err
	}
	return call[Template](ctx, c, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodGet,
		path:       templateID,
		query:      url.Values{"fields": {strings.Join(templateFields, ",")}},
		needsToken: true,
	})
}

// FindTemplate returns the WABA's template with exactly this name and
// language, or an error matching ErrTemplateNotFound. It lists the templates
// filtered by name (GET /{waba-id}/message_templates?name=...) and compares
// the name and language exactly, since Graph's name filter also matches
// other names. Use it to learn whether a submission that failed with a
// *ServerError was created after all.
func (c *Client) FindTemplate(ctx context.Context, wabaID, name, language string) (*Template, error) {
	var v validator
	v.required("name", name, nil)
	v.required("language", language, nil)
	if err := v.err("FindTemplate"); err != nil {
		return nil, err
	}
	for t, err := range c.Templates(ctx, wabaID, &ListTemplatesOptions{Name: name, Language: language}) {
		if err != nil {
			return nil, err
		}
		if t.Name == name && t.Language == language {
			return &t, nil
		}
	}
	return nil, fmt.Errorf("%w: %s (%s)", ErrTemplateNotFound, name, language)
}

// EditTemplateRequest is the body of a template edit, POST /{template-id}:
// a new category, new components, or both. Components replace the
// template's components as a whole and are validated as in a submission.
type EditTemplateRequest struct {
	Category        TemplateCategory `json:"category,omitempty"`
	ParameterFormat ParameterFormat  `json:"parameter_format,omitempty"`
	Components      []Component      `json:"components,omitempty"`
	// MessageSendTTLSeconds changes the time-to-live of messages sent with
	// the template; zero leaves it.
	MessageSendTTLSeconds int `json:"message_send_ttl_seconds,omitempty"`
	// Current, when set (from GetTemplate), lets the SDK check the edit
	// rules that depend on the template as it is: only APPROVED, REJECTED
	// and PAUSED templates can be edited, and an APPROVED template's
	// category cannot change. It is not sent.
	Current *Template `json:"-"`
}

// editableStatuses are the statuses Graph accepts edits in.
var editableStatuses = map[TemplateStatus]bool{TemplateApproved: true, TemplateRejected: true, TemplatePaused: true}

// Validate reports every problem with the edit at once: something to change,
// a valid category, valid components and, when Current is set, the
// status-dependent edit rules. Graph's rate limits on edits of approved
// templates (10 per 30 days, 1 per 24 hours) need the edit history and are
// left to Graph.
func (r EditTemplateRequest) Validate() error {
	var v validator
	r.check(&v)
	return v.err("EditTemplate")
}

func (r EditTemplateRequest) check(v *validator) {
	if r.Category == "" && len(r.Components) == 0 && r.MessageSendTTLSeconds == 0 {
		v.addf("components", "an edit needs a category, components or message_send_ttl_seconds to change")
	}
	if r.Category != "" {
		checkCategory(v, r.Category)
	}
	checkParameterFormat(v, r.ParameterFormat)
	if r.MessageSendTTLSeconds < 0 {
		v.addf("message_send_ttl_seconds", "must not be negative")
	}
	category, format := r.Category, r.ParameterFormat
	if cur := r.Current; cur != nil {
		if category == "" {
			category = cur.Category
		}
		if format == "" {
			format = cur.ParameterFormat
		}
		if !editableStatuses[cur.Status] {
			v.addf("status", "a template can be edited only when APPROVED, REJECTED or PAUSED; this one is %s", cur.Status)
		}
		if cur.Status == TemplateApproved && r.Category != "" && r.Category != cur.Category {
			v.addf("category", "an APPROVED template's category cannot change (%s to %s)", cur.Category, r.Category)
		}
	}
	if len(r.Components) > 0 {
		checkComponents(v, r.Components, category, format.IsNamed())
	}
}

// TemplateEditResponse is Graph's answer to an edit or a deletion.
type TemplateEditResponse struct {
	Success bool `json:"success"`
}

// EditTemplate changes a template's category or components.
//
//	POST https://graph.facebook.com/{version}/{template-id}
//
// The request is validated first (see EditTemplateRequest.Validate). An edit
// is not retried after an HTTP 5xx: an approved template may be edited once
// a day, so a repeat of an edit that went through is refused.
func (c *Client) EditTemplate(ctx context.Context, templateID string, req EditTemplateRequest) (*TemplateEditResponse, error) {
	var v validator
	v.numericID("template_id", templateID, nil)
	req.check(&v)
	if err := v.err("EditTemplate"); err != nil {
		return nil, err
	}
	return call[TemplateEditResponse](ctx, c, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodPost,
		path:       templateID,
		body:       req,
		needsToken: true,
	})
}

// DeleteTemplateRequest names what to delete: every language of a template
// name, or with ID (the hsm_id) only that one template.
type DeleteTemplateRequest struct {
	Name string `url:"name"`
	ID   string `url:"hsm_id,omitempty"`
}

// DeleteTemplate deletes a template by name (all its languages) or by name
// and id (one template).
//
//	DELETE https://graph.facebook.com/{version}/{waba-id}/message_templates?name=...[&hsm_id=...]
//
// The name of a deleted approved template cannot be used again for 30 days.
// A deletion is retried after an HTTP 5xx like any DELETE; if the first
// attempt went through, the repeat may answer that the template does not
// exist.
func (c *Client) DeleteTemplate(ctx context.Context, wabaID string, req DeleteTemplateRequest) (*TemplateEditResponse, error) {
	var v validator
	v.numericID("waba_id", wabaID, ErrMissingWABAID)
	v.required("name", req.Name, nil)
	if req.ID != "" {
		v.numericID("hsm_id", req.ID, nil)
	}
	if err := v.err("DeleteTemplate"); err != nil {
		return nil, err
	}
	return call[TemplateEditResponse](ctx, c, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodDelete,
		path:       wabaID + "/message_templates",
		query:      req,
		needsToken: true,
	})
}
