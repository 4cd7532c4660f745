package script_test

import "kubetour/engine/store"

func storeStatus() store.UpdateOptions { return store.UpdateOptions{Status: true} }
