package wabsp_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

func TestGetBusinessProfileDecodesTheRecordedProfile(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	fx := numbersFixture(t, mt, "get_profile")

	p, err := c.GetBusinessProfile(context.Background(), testPhoneNumberID)
	require.NoError(t, err)
	assert.Equal(t, &wabsp.BusinessProfile{
		About:             "Succulents delivered.",
		Address:           "1 Hacker Way, Menlo Park, CA 94025",
		Description:       "Plants and gardening supplies.",
		Email:             "help@luckyshrub.example",
		ProfilePictureURL: "https://pps.whatsapp.net/v/t61/profile.jpg",
		Websites:          []string{"https://www.luckyshrub.example/"},
		Vertical:          wabsp.VerticalRetail,
		MessagingProduct:  "whatsapp",
	}, p)
	assert.Equal(t, 1, fx.Calls())
}

func TestBusinessProfileUpdateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		update wabsp.BusinessProfileUpdate
		fields []string
	}{
		{"an empty update passes", wabsp.BusinessProfileUpdate{}, nil},
		{"the recorded update passes", recordedProfileUpdate, nil},
		{"every limit reached exactly passes", wabsp.BusinessProfileUpdate{
			About: strings.Repeat("é", 139), Address: strings.Repeat("a", 256), Description: strings.Repeat("d", 512),
			Email:    strings.Repeat("e", 116) + "@example.com",
			Websites: []string{"http://" + strings.Repeat("w", 249), "https://example.com"},
		}, nil},
		{"an about of 140 characters fails", wabsp.BusinessProfileUpdate{About: strings.Repeat("a", 140)}, []string{"about"}},
		{"an address of 257 characters fails", wabsp.BusinessProfileUpdate{Address: strings.Repeat("a", 257)}, []string{"address"}},
		{"a description of 513 characters fails", wabsp.BusinessProfileUpdate{Description: strings.Repeat("a", 513)}, []string{"description"}},
		{"an e-mail of 129 characters fails", wabsp.BusinessProfileUpdate{Email: strings.Repeat("e", 117) + "@example.com"}, []string{"email"}},
		{"an e-mail with a display name fails", wabsp.BusinessProfileUpdate{Email: "Help <help@example.com>"}, []string{"email"}},
		{"an e-mail without a domain fails", wabsp.BusinessProfileUpdate{Email: "help@localhost"}, []string{"email"}},
		{"a vertical label instead of its code fails", wabsp.BusinessProfileUpdate{Vertical: "Shopping and Retail"}, []string{"vertical"}},
		{"three websites fail", wabsp.BusinessProfileUpdate{Websites: []string{"https://a.example", "https://b.example", "https://c.example"}}, []string{"websites"}},
		{"a website without a scheme fails", wabsp.BusinessProfileUpdate{Websites: []string{"www.example.com"}}, []string{"websites[0]"}},
		{"an ftp website fails", wabsp.BusinessProfileUpdate{Websites: []string{"https://ok.example", "ftp://example.com"}}, []string{"websites[1]"}},
		{"a website of 257 characters fails", wabsp.BusinessProfileUpdate{Websites: []string{"https://" + strings.Repeat("w", 249)}}, []string{"websites[0]"}},
		{"a blank picture handle fails", wabsp.BusinessProfileUpdate{ProfilePictureHandle: "  "}, []string{"profile_picture_handle"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.update.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			var verr *wabsp.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.fields, uniqueFields(verr))
			for _, f := range verr.Fields {
				assert.NotEmpty(t, f.Message)
			}
		})
	}
}

func TestEveryDocumentedVerticalIsKnown(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"ALCOHOL", "APPAREL", "AUTO", "BEAUTY", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE", "GOVT",
		"GROCERY", "HEALTH", "HOTEL", "NONPROFIT", "ONLINE_GAMBLING", "OTC_DRUGS", "OTHER", "PHYSICAL_GAMBLING",
		"PROF_SERVICES", "RESTAURANT", "RETAIL", "TRAVEL"} {
		assert.True(t, wabsp.Vertical(v).IsKnown(), v)
		assert.NoError(t, wabsp.BusinessProfileUpdate{Vertical: wabsp.Vertical(v)}.Validate(), v)
	}
	assert.False(t, wabsp.Vertical("retail").IsKnown())
	assert.False(t, wabsp.VerticalUndefined.IsKnown())
}

func TestValidateProfilePicture(t *testing.T) {
	t.Parallel()
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 100)...)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	gif := append([]byte("GIF89a"), make([]byte, 100)...)
	tests := []struct {
		name  string
		image []byte
		fails int
	}{
		{"a small JPEG passes", jpeg, 0},
		{"a small PNG passes", png, 0},
		{"a PNG of exactly 5 MB passes", pad(png, wabsp.MaxProfilePictureBytes), 0},
		{"a JPEG one byte over 5 MB fails", pad(jpeg, wabsp.MaxProfilePictureBytes+1), 1},
		{"a GIF fails", gif, 1},
		{"a 6 MB GIF fails twice", pad(gif, 6<<20), 2},
		{"no image fails", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := wabsp.ValidateProfilePicture(tt.image)
			if tt.fails == 0 {
				require.NoError(t, err)
				return
			}
			var verr *wabsp.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Len(t, verr.Fields, tt.fails)
			for _, f := range verr.Fields {
				assert.Equal(t, "profile_picture", f.Field)
			}
		})
	}
}

func pad(head []byte, size int) []byte {
	return append(bytes.Clone(head), make([]byte, size-len(head))...)
}
