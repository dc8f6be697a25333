package handlers

import "github.com/gofiber/fiber/v2"

// Placeholders until the print pages land in this file.
func (s *Server) printPage(c *fiber.Ctx) error      { return fiber.ErrNotFound }
func (s *Server) verifyDocument(c *fiber.Ctx) error { return fiber.ErrNotFound }
