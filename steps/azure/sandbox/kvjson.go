package sandbox

func (x *kvCall) attributes(v *vault, sv *secretVersion) map[string]any {
	a := map[string]any{"enabled": sv.Enabled, "created": sv.Created, "updated": sv.Updated,
		"recoveryLevel": v.recoveryLevel(), "recoverableDays": v.RetentionDays}
	if sv.NotBefore != nil {
		a["nbf"] = *sv.NotBefore
	}
	if sv.Expires != nil {
		a["exp"] = *sv.Expires
	}
	return a
}

// item is a list entry: the secret's properties without its value.
func (x *kvCall) item(v *vault, id string, sv *secretVersion) map[string]any {
	it := map[string]any{"id": id, "attributes": x.attributes(v, sv)}
	if sv.ContentType != "" {
		it["contentType"] = sv.ContentType
	}
	if sv.Tags != nil {
		it["tags"] = sv.Tags
	}
	return it
}

// bundle is a SecretBundle; the value only where the operation returns it.
func (x *kvCall) bundle(v *vault, s *secret, sv *secretVersion, withValue bool) map[string]any {
	b := x.item(v, x.base()+"/secrets/"+s.Name+"/"+sv.Version, sv)
	if withValue {
		b["value"] = sv.Value
	}
	return b
}

func (x *kvCall) deletedBundle(v *vault, d *deletedEntry) map[string]any {
	b := x.bundle(v, d.Secret, d.Secret.current(), false)
	b["recoveryId"] = x.base() + "/deletedsecrets/" + d.Secret.Name
	b["deletedDate"], b["scheduledPurgeDate"] = d.DeletedDate, d.ScheduledPurgeDate
	return b
}
