using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Categories;

/// <summary>
/// A product category the merchant manages: the code purchase lines and the rules use ("prescription") and how people read
/// it, in pt-BR and in English ("medicamentos com receita", "prescription medicines"). The rules editor offers these; the
/// counter and the portal show the name in the reader's language.
/// </summary>
public sealed class ProductCategory : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Lower-case letters, digits, "-" and "_", up to 40: what the API's purchase lines and the rules name.</summary>
    public required string Code { get; set; }
    public required string NamePt { get; set; }
    public required string NameEn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The name in a culture: English for "en", pt-BR otherwise.</summary>
    public string Name(System.Globalization.CultureInfo culture) => culture.TwoLetterISOLanguageName == "en" ? NameEn : NamePt;
}

public sealed class ProductCategoryConfiguration : IEntityTypeConfiguration<ProductCategory>
{
    public void Configure(EntityTypeBuilder<ProductCategory> b)
    {
        b.ToTable("product_categories");
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Code).HasMaxLength(40);
        b.Property(c => c.NamePt).HasMaxLength(60);
        b.Property(c => c.NameEn).HasMaxLength(60);
        b.HasIndex(c => new { c.TenantId, c.Code }).IsUnique();
    }
}
