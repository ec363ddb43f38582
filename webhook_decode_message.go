package wabsp

func (r *jsonReader) decodeMessage(m *Message) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "from":
			m.From = r.str()
		case "to":
			m.To = r.str()
		case "from_user_id":
			m.FromUserID = r.str()
		case "from_parent_user_id":
			m.FromParentUserID = r.str()
		case "id":
			m.ID = r.str()
		case "timestamp":
			m.Timestamp = r.time()
		case "type":
			m.Type = MessageType(r.enum())
		case "context":
			m.Context = &MessageContext{}
			r.decodeContext(m.Context)
		case "text":
			m.Text = &TextContent{}
			t := r.object()
			for t.next() {
				if string(t.key) == "body" {
					m.Text.Body = r.str()
				} else {
					t.keep()
				}
			}
			m.Text.Extra = t.extra
		case "image":
			m.Image = r.decodeMedia()
		case "audio":
			m.Audio = r.decodeMedia()
		case "video":
			m.Video = r.decodeMedia()
		case "document":
			m.Document = r.decodeMedia()
		case "sticker":
			m.Sticker = r.decodeMedia()
		case "location":
			m.Location = r.decodeLocation()
		case "contacts":
			m.Contacts = decodeArray(r, (*jsonReader).decodeSharedContact)
		case "interactive":
			m.Interactive = r.decodeInteractive()
		case "button":
			m.Button = &ButtonReply{}
			b := r.object()
			for b.next() {
				switch string(b.key) {
				case "payload":
					m.Button.Payload = r.str()
				case "text":
					m.Button.Text = r.str()
				default:
					b.keep()
				}
			}
			m.Button.Extra = b.extra
		case "reaction":
			m.Reaction = &Reaction{}
			x := r.object()
			for x.next() {
				switch string(x.key) {
				case "message_id":
					m.Reaction.MessageID = r.str()
				case "emoji":
					m.Reaction.Emoji = r.str()
				default:
					x.keep()
				}
			}
			m.Reaction.Extra = x.extra
		case "order":
			m.Order = r.decodeOrder()
		case "system":
			m.System = r.decodeSystem()
		case "referral":
			m.Referral = r.decodeReferral()
		case "errors":
			m.Errors = r.decodeErrors()
		default:
			// Unknown message types put their body under the type's name:
			// it lands here, raw, next to the typed Type.
			it.keep()
		}
	}
	m.Extra = it.extra
}

func (r *jsonReader) decodeContext(c *MessageContext) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "from":
			c.From = r.str()
		case "id":
			c.ID = r.str()
		case "forwarded":
			c.Forwarded = r.boolean()
		case "frequently_forwarded":
			c.FrequentlyForwarded = r.boolean()
		case "referred_product":
			c.ReferredProduct = &ReferredProduct{}
			p := r.object()
			for p.next() {
				switch string(p.key) {
				case "catalog_id":
					c.ReferredProduct.CatalogID = r.str()
				case "product_retailer_id":
					c.ReferredProduct.ProductRetailerID = r.str()
				default:
					p.keep()
				}
			}
			c.ReferredProduct.Extra = p.extra
		default:
			it.keep()
		}
	}
	c.Extra = it.extra
}

func (r *jsonReader) decodeMedia() *Media {
	m := &Media{}
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "id":
			m.ID = r.str()
		case "mime_type":
			m.MimeType = r.enum()
		case "sha256":
			m.SHA256 = r.str()
		case "caption":
			m.Caption = r.str()
		case "filename":
			m.Filename = r.str()
		case "url":
			m.URL = r.str()
		case "voice":
			m.Voice = r.boolean()
		case "animated":
			m.Animated = r.boolean()
		default:
			it.keep()
		}
	}
	m.Extra = it.extra
	return m
}

func (r *jsonReader) decodeLocation() *Location {
	l := &Location{}
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "latitude":
			l.Latitude = r.float()
		case "longitude":
			l.Longitude = r.float()
		case "name":
			l.Name = r.str()
		case "address":
			l.Address = r.str()
		case "url":
			l.URL = r.str()
		default:
			it.keep()
		}
	}
	l.Extra = it.extra
	return l
}

// strMap decodes an object of scalars, such as a contact card's name.
func (r *jsonReader) strMap() map[string]string {
	var out map[string]string
	it := r.object()
	for it.next() {
		if r.ws() == '{' || r.ws() == '[' {
			it.keep()
			continue
		}
		if out == nil {
			out = make(map[string]string, 4)
		}
		out[string(it.key)] = r.str()
	}
	if it.extra != nil {
		// A nested value inside a card field: keep it in the map as JSON
		// text rather than lose it.
		if out == nil {
			out = make(map[string]string, len(it.extra))
		}
		for k, v := range it.extra {
			out[k] = string(v)
		}
	}
	return out
}

func (r *jsonReader) strMaps() []map[string]string {
	var out []map[string]string
	for arr := r.array(); arr.next(); {
		out = append(out, r.strMap())
	}
	return out
}

func (r *jsonReader) decodeSharedContact(c *SharedContact) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "name":
			c.Name = r.strMap()
		case "birthday":
			c.Birthday = r.str()
		case "org":
			c.Org = r.strMap()
		case "phones":
			c.Phones = r.strMaps()
		case "emails":
			c.Emails = r.strMaps()
		case "addresses":
			c.Addresses = r.strMaps()
		case "urls":
			c.URLs = r.strMaps()
		default:
			it.keep()
		}
	}
	c.Extra = it.extra
}

func (r *jsonReader) decodeInteractive() *InteractiveReply {
	x := &InteractiveReply{}
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "type":
			x.Type = r.enum()
		case "button_reply", "list_reply":
			reply := &InteractiveChoice{}
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "id":
					reply.ID = r.str()
				case "title":
					reply.Title = r.str()
				case "description":
					reply.Description = r.str()
				default:
					o.keep()
				}
			}
			reply.Extra = o.extra
			if string(it.key) == "button_reply" {
				x.ButtonReply = reply
			} else {
				x.ListReply = reply
			}
		case "nfm_reply":
			x.NFMReply = &FlowReply{}
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "name":
					x.NFMReply.Name = r.str()
				case "body":
					x.NFMReply.Body = r.str()
				case "response_json":
					x.NFMReply.ResponseJSON = r.str()
				default:
					o.keep()
				}
			}
			x.NFMReply.Extra = o.extra
		default:
			it.keep()
		}
	}
	x.Extra = it.extra
	return x
}

func (r *jsonReader) decodeOrder() *Order {
	o := &Order{}
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "catalog_id":
			o.CatalogID = r.str()
		case "text":
			o.Text = r.str()
		case "product_items":
			o.ProductItems = nil
			for arr := r.array(); arr.next(); {
				o.ProductItems = append(o.ProductItems, OrderItem{})
				p := &o.ProductItems[len(o.ProductItems)-1]
				pi := r.object()
				for pi.next() {
					switch string(pi.key) {
					case "product_retailer_id":
						p.ProductRetailerID = r.str()
					case "quantity":
						p.Quantity = r.int64()
					case "item_price":
						p.ItemPrice = r.float()
					case "currency":
						p.Currency = r.str()
					default:
						pi.keep()
					}
				}
				p.Extra = pi.extra
			}
		default:
			it.keep()
		}
	}
	o.Extra = it.extra
	return o
}

func (r *jsonReader) decodeSystem() *SystemMessage {
	s := &SystemMessage{}
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "body":
			s.Body = r.str()
		case "type":
			s.Type = r.enum()
		case "wa_id":
			s.WaID = r.str()
		case "new_wa_id":
			s.NewWaID = r.str()
		case "identity":
			s.Identity = r.str()
		case "customer":
			s.Customer = r.str()
		case "user_id":
			s.UserID = r.str()
		case "parent_user_id":
			s.ParentUserID = r.str()
		case "previous_user_id":
			s.PreviousUserID = r.str()
		case "previous_parent_user_id":
			s.PreviousParentUserID = r.str()
		default:
			it.keep()
		}
	}
	s.Extra = it.extra
	return s
}

func (r *jsonReader) decodeReferral() *Referral {
	x := &Referral{}
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "source_url":
			x.SourceURL = r.str()
		case "source_id":
			x.SourceID = r.str()
		case "source_type":
			x.SourceType = r.enum()
		case "headline":
			x.Headline = r.str()
		case "body":
			x.Body = r.str()
		case "media_type":
			x.MediaType = r.enum()
		case "image_url":
			x.ImageURL = r.str()
		case "video_url":
			x.VideoURL = r.str()
		case "thumbnail_url":
			x.ThumbnailURL = r.str()
		case "ctwa_clid":
			x.CtwaClid = r.str()
		default:
			it.keep()
		}
	}
	x.Extra = it.extra
	return x
}
